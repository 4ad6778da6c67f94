import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { promisify } from 'node:util';

import request from 'supertest';

/**
 * The rate limit on the start and callback routes, tested on the built demo in a child process:
 * @nestjs/throttler 6 is CommonJS on top of ESM-only Nest 12, which Node 20.19+ loads through
 * require(esm) but Jest on Node 20 cannot, so it cannot run inside the test process.
 */
const LIMIT = 5;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/** Starts `node dist/src/main.js` and resolves once it logs that it listens. */
function startBuiltDemo(port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['dist/src/main.js'], {
    env: { ...process.env, PORT: String(port), DATABASE_URL: 'sqlite::memory:', RATE_LIMIT_PER_MINUTE: String(LIMIT), NYLAS_API_KEY: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`The demo did not start within 30 s:\n${output}`)), 30_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Demo listening on')) {
        clearTimeout(timer);
        resolve(child);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`The demo exited with code ${code}:\n${output}`));
    });
  });
}

describe('rate limit on the Nylas routes', () => {
  let child: ChildProcess | undefined;
  let baseUrl: string;

  beforeAll(async () => {
    await promisify(execFile)('npm', ['run', 'build'], { maxBuffer: 16 * 1024 * 1024 });
    const port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    child = await startBuiltDemo(port);
  }, 180_000);

  afterAll(() => {
    child?.kill('SIGTERM');
  });

  it('answers 429 past the limit on the start and callback routes only', async () => {
    const login = await request(baseUrl).post('/login').send({ username: 'rate' }).expect(200);
    const cookie = String(login.headers['set-cookie'][0]).split(';')[0];

    const statuses: number[] = [];
    for (let i = 0; i < LIMIT + 2; i++) {
      statuses.push((await request(baseUrl).get('/auth/nylas').set('Cookie', cookie).redirects(0)).status);
    }
    expect(statuses.slice(0, LIMIT)).toEqual(Array(LIMIT).fill(302));
    expect(statuses.slice(LIMIT)).toEqual([429, 429]);

    // Each route has its own count, as @nestjs/throttler keys it by handler.
    const callbackStatuses: number[] = [];
    for (let i = 0; i < LIMIT + 1; i++) {
      callbackStatuses.push((await request(baseUrl).get('/auth/nylas/callback?code=a&state=b').set('Accept', 'application/json')).status);
    }
    expect(callbackStatuses.slice(0, LIMIT)).toEqual(Array(LIMIT).fill(400));
    expect(callbackStatuses[LIMIT]).toBe(429);

    for (let i = 0; i < LIMIT + 2; i++) await request(baseUrl).get('/api/grants').set('Cookie', cookie).expect(200);
  });
});
