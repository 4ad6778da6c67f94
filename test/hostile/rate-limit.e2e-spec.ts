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

const BROWSER_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';

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

  it('answers 429 past the limit on the Nylas routes only', async () => {
    const login = await request(baseUrl).post('/login').send({ username: 'rate' }).expect(200);
    const cookie = String(login.headers['set-cookie'][0]).split(';')[0];

    const statuses: number[] = [];
    for (let i = 0; i < LIMIT + 2; i++) {
      statuses.push((await request(baseUrl).get('/auth/nylas').set('Cookie', cookie).redirects(0)).status);
    }
    expect(statuses.slice(0, LIMIT)).toEqual(Array(LIMIT).fill(302));
    expect(statuses.slice(LIMIT)).toEqual([429, 429]);

    // Express routes paths case-insensitively, so the same handler in upper case shares the count.
    const upperCaseStart = await request(baseUrl).get('/AUTH/NYLAS').set('Cookie', cookie).redirects(0);
    expect(upperCaseStart.status).toBe(429);

    // Each route has its own count, as @nestjs/throttler keys it by handler. Every other request
    // is in upper case: a guard that skipped those would let the last one through with 400.
    const callbackStatuses: number[] = [];
    for (let i = 0; i < LIMIT + 1; i++) {
      const path = i % 2 === 0 ? '/auth/nylas/callback' : '/AUTH/NYLAS/CALLBACK';
      callbackStatuses.push((await request(baseUrl).get(`${path}?code=a&state=b`).set('Accept', 'application/json')).status);
    }
    expect(callbackStatuses.slice(0, LIMIT)).toEqual(Array(LIMIT).fill(400));
    expect(callbackStatuses[LIMIT]).toBe(429);

    // The library's filters handle the limit like their own errors: a browser's callback is
    // redirected to the page with the code, and a pop-up start gets the pop-up page.
    const browserCallback = await request(baseUrl).get('/auth/nylas/callback?code=a&state=b').set('Accept', BROWSER_ACCEPT).redirects(0);
    expect(browserCallback.status).toBe(302);
    expect(browserCallback.headers.location).toBe('/?nylas_error=rate_limited');
    const popupStart = await request(baseUrl).get('/auth/nylas?mode=popup').set('Cookie', cookie).set('Accept', BROWSER_ACCEPT);
    expect(popupStart.status).toBe(429);
    expect(popupStart.headers['content-type']).toMatch(/^text\/html/);
    expect(popupStart.text).toContain('rate_limited');

    // The front-end exchange route belongs to the same controller, so it is limited as well.
    const exchangeStatuses: number[] = [];
    for (let i = 0; i < LIMIT + 1; i++) {
      exchangeStatuses.push((await request(baseUrl).post('/Auth/Nylas/Exchange').set('Cookie', cookie).send({})).status);
    }
    expect(exchangeStatuses.slice(0, LIMIT)).not.toContain(429);
    expect(exchangeStatuses[LIMIT]).toBe(429);

    for (let i = 0; i < LIMIT + 2; i++) await request(baseUrl).get('/api/grants').set('Cookie', cookie).expect(200);
  });

  it('answers 429 with rate_limited and Retry-After', async () => {
    const response = await request(baseUrl).get('/Auth/Nylas/Callback?code=a&state=b').set('Accept', 'application/json');

    expect(response.status).toBe(429);
    expect(Number(response.headers['retry-after'])).toBeGreaterThan(0);
    expect(response.body).toEqual({ statusCode: 429, error: 'rate_limited', message: expect.stringMatching(/^Too many requests from this address\. Try again in \d+ seconds\.$/) });
    expect(response.text).not.toContain('ThrottlerException');
  });
});
