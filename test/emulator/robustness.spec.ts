import type { NylasEmulator } from 'nylas-emulator';
import { connect as connectSocket } from 'node:net';
import { APP, requestJson, startEmulator } from './emulator-test-helpers.js';

let emulator: NylasEmulator;
const logLines: string[] = [];

beforeAll(async () => {
  emulator = await startEmulator({ logger: (line) => logLines.push(line) });
});

afterAll(async () => {
  await emulator.close();
});

/** Sends raw bytes and returns the status line of the response. */
function rawRequest(text: string): Promise<string> {
  const { hostname, port } = new URL(emulator.url);
  return new Promise((resolve, reject) => {
    const socket = connectSocket(Number(port), hostname, () => socket.end(text));
    let response = '';
    socket.on('data', (chunk) => (response += chunk.toString('latin1')));
    socket.on('end', () => resolve(response.split('\r\n')[0]));
    socket.on('error', reject);
  });
}

describe('routing and malformed input', () => {
  test('unknown route is 404 JSON', async () => {
    const response = await requestJson(`${emulator.url}/v3/unknown`);

    expect(response.status).toBe(404);
    expect(response.body.error.type).toBe('not_found_error');
    expect(response.body.request_id).toBe(response.headers.get('x-request-id'));
  });

  test('wrong method is 405 with Allow', async () => {
    const response = await requestJson(`${emulator.url}/v3/connect/token`);

    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('POST');
    expect(response.body.error.type).toBe('invalid_request_error');
  });

  test('PUT on grants is 405', async () => {
    const response = await requestJson(`${emulator.url}/v3/grants/x`, { method: 'PUT' });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET, DELETE');
  });

  test('CORS preflight is answered', async () => {
    const response = await fetch(`${emulator.url}/v3/connect/token`, {
      method: 'OPTIONS',
      headers: { origin: 'http://localhost:3000', 'access-control-request-method': 'POST' },
    });

    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(response.headers.get('access-control-allow-methods')).toBe('POST');
  });

  test('bad percent-encoding in a grant id is 400', async () => {
    const response = await requestJson(`${emulator.url}/v3/grants/%E0%A4%A`, { headers: { authorization: `Bearer ${APP.apiKey}` } });
    expect(response.status).toBe(400);
    expect(response.body.error.type).toBe('invalid_request_error');
  });

  test('bad percent-encoding in a query is tolerated', async () => {
    const response = await fetch(`${emulator.url}/v3/connect/auth?client_id=%ZZ&redirect_uri=%E0%A4%A&response_type=code`);
    expect(response.status).toBe(400);
  });

  test('bad percent-encoding in a form body is tolerated', async () => {
    const response = await requestJson(`${emulator.url}/v3/connect/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=%E0%A4%A&code=%ZZ',
    });
    expect(response.status).toBe(400);
    expect(response.body.error).toBe('unsupported_grant_type');
  });

  test('JSON with a nested value is invalid_request', async () => {
    const response = await requestJson(`${emulator.url}/v3/connect/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ grant_type: 'authorization_code', code: { $ne: '' } }),
    });
    expect(response.status).toBe(400);
    expect(response.body.error_description).toBe('Parameter code must be a string');
  });

  test('oversized consent body is 413', async () => {
    const response = await fetch(`${emulator.url}/v3/connect/auth/consent`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `state=${'x'.repeat(70_000)}`,
    });
    expect(response.status).toBe(413);
  });

  test('request target that is not a path still gets an answer', async () => {
    expect(await rawRequest('GET http://[bad HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')).toMatch(/^HTTP\/1\.1 (400|404)/);
  });

  test('server survives garbage bytes', async () => {
    expect(await rawRequest('\x00\x01garbage\r\n\r\n')).toMatch(/^HTTP\/1\.1 400/);
    expect((await fetch(emulator.jwksUri)).status).toBe(200);
  });

  test('HEAD is answered like GET without a body', async () => {
    const response = await fetch(emulator.jwksUri, { method: 'HEAD' });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('');
  });

  test('log lines name requests but never tokens', async () => {
    logLines.length = 0;
    await fetch(`${emulator.url}/v3/connect/tokeninfo?access_token=secret-token-value`);

    expect(logLines).toContainEqual(expect.stringMatching(/^GET \/v3\/connect\/tokeninfo 400 \d+ ms$/));
    expect(logLines.join('\n')).not.toContain('secret-token-value');
  });
});

describe('NylasEmulator API', () => {
  test('url and jwksUri', () => {
    expect(emulator.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(emulator.jwksUri).toBe(`${emulator.url}/__emulator/jwks.json`);
    expect(emulator.issuer).toBe('https://nylas.com');
  });

  test('addClient rejects invalid clients', () => {
    expect(() => emulator.addClient({ clientId: '', apiKey: 'k', callbackUris: [] })).toThrow(/clientId/);
    expect(() => emulator.addClient({ clientId: 'c', apiKey: 'k', callbackUris: ['not a url'] })).toThrow(/absolute URL/);
    expect(() => emulator.addClient({ clientId: 'c', apiKey: APP.apiKey, callbackUris: [] })).toThrow(/already used/);
  });

  test('close twice is harmless', async () => {
    const extra = await startEmulator();
    await extra.close();
    await expect(extra.close()).resolves.toBeUndefined();
  });

  test('close ends idle keep-alive connections', async () => {
    const extra = await startEmulator();
    await (await fetch(extra.jwksUri)).text();

    const started = Date.now();
    await extra.close();
    expect(Date.now() - started).toBeLessThan(1000);
  });
});
