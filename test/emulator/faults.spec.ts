import type { NylasEmulator } from 'nylas-emulator';
import { APP, authUrl, connect, obtainCode, postToken, readJson, REDIRECT_URI, requestJson, startEmulator } from './emulator-test-helpers.js';

let emulator: NylasEmulator;

beforeAll(async () => {
  emulator = await startEmulator();
});

afterAll(async () => {
  await emulator.close();
});

beforeEach(() => {
  emulator.reset();
});

function exchange(code: string) {
  return postToken(emulator, { grant_type: 'authorization_code', client_id: APP.clientId, client_secret: APP.apiKey, code, redirect_uri: REDIRECT_URI });
}

function controlRequest(path: string, method: string, body?: unknown): Promise<Response> {
  return fetch(`${emulator.url}/__emulator/${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

describe('injected faults', () => {
  test('status, body, content type and headers replace the answer', async () => {
    emulator.injectFault('token', {
      status: 503,
      body: '<html>upstream unavailable</html>',
      contentType: 'text/html',
      headers: { 'retry-after': '30' },
    });
    const response = await fetch(`${emulator.url}/v3/connect/token`, { method: 'POST' });

    expect(response.status).toBe(503);
    expect(response.headers.get('content-type')).toBe('text/html');
    expect(response.headers.get('retry-after')).toBe('30');
    expect(await response.text()).toBe('<html>upstream unavailable</html>');
    expect(emulator.stats().faultsServed).toBe(1);
  });

  test('body defaults to the JSON content type', async () => {
    emulator.injectFault('tokeninfo', { status: 500, body: '{"error":"server_error"}' });
    const response = await fetch(`${emulator.url}/v3/connect/tokeninfo?access_token=x`);
    expect(response.headers.get('content-type')).toBe('application/json');
  });

  test('times limits the fault to that many requests', async () => {
    emulator.injectFault('token', { status: 502, times: 2 });
    const code = await obtainCode(emulator);

    expect((await exchange(code)).status).toBe(502);
    expect((await exchange(code)).status).toBe(502);
    expect((await exchange(code)).status).toBe(200);
    expect(emulator.stats().faultsServed).toBe(2);
  });

  test('faults apply in injection order', async () => {
    emulator.injectFault('jwks', { status: 500, times: 1 });
    emulator.injectFault('jwks', { status: 429, times: 1 });

    expect((await fetch(emulator.jwksUri)).status).toBe(500);
    expect((await fetch(emulator.jwksUri)).status).toBe(429);
    expect((await fetch(emulator.jwksUri)).status).toBe(200);
  });

  test('fault without times stays until cleared', async () => {
    emulator.injectFault('jwks', { status: 500 });
    expect((await fetch(emulator.jwksUri)).status).toBe(500);
    expect((await fetch(emulator.jwksUri)).status).toBe(500);

    emulator.clearFaults();
    expect((await fetch(emulator.jwksUri)).status).toBe(200);
  });

  test('delay without status delays the real answer', async () => {
    emulator.injectFault('jwks', { delayMs: 200, times: 1 });
    const started = Date.now();
    const response = await fetch(emulator.jwksUri);

    expect(response.status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
  });

  test('headers without status reach the real answer', async () => {
    emulator.injectFault('jwks', { headers: { 'x-ratelimit-remaining': '0' }, times: 1 });
    const response = await fetch(emulator.jwksUri);

    expect(response.status).toBe(200);
    expect(response.headers.get('x-ratelimit-remaining')).toBe('0');
  });

  test('dropConnection closes the socket without an answer', async () => {
    emulator.injectFault('token', { dropConnection: true, times: 1 });
    await expect(fetch(`${emulator.url}/v3/connect/token`, { method: 'POST' })).rejects.toThrow(/fetch failed/);
    expect(emulator.stats().faultsServed).toBe(1);
  });

  test('fault on auth reaches approve', async () => {
    emulator.injectFault('auth', { status: 500, times: 1 });
    await expect(emulator.approve(authUrl(emulator), { email: 'user@example.com' })).rejects.toThrow(/HTTP 500/);
  });

  test('fault on consent reaches approve', async () => {
    emulator.injectFault('consent', { status: 502, times: 1 });
    await expect(emulator.approve(authUrl(emulator), { email: 'user@example.com' })).rejects.toThrow(/HTTP 502/);
    expect(emulator.stats().codesIssued).toBe(0);
  });

  test('fault on grants answers before authentication', async () => {
    emulator.injectFault('grants', { status: 429, times: 1 });
    expect((await fetch(`${emulator.url}/v3/grants/any`)).status).toBe(429);
  });

  test.each([
    [{ status: 99 }, /status must be an integer from 200 to 599/],
    [{ body: 'x' }, /need a status/],
    [{}, /needs at least one of/],
    [{ delayMs: -1 }, /delayMs/],
    [{ times: 0 }, /times/],
    [{ headers: { 'bad header': 'x' } }, /invalid name or value/],
  ])('invalid fault %j is rejected', (fault, message) => {
    expect(() => emulator.injectFault('token', fault)).toThrow(message);
  });

  test('close ends a pending delay', async () => {
    const slow = await startEmulator();
    slow.injectFault('jwks', { delayMs: 60_000 });
    const pending = fetch(slow.jwksUri).then(
      () => 'answered',
      () => 'failed',
    );
    await new Promise((resolve) => setTimeout(resolve, 50));

    const started = Date.now();
    await slow.close();
    expect(await pending).toBe('failed');
    expect(Date.now() - started).toBeLessThan(1000);
  });
});

describe('control API', () => {
  test('POST and DELETE /__emulator/faults', async () => {
    const injected = await controlRequest('faults', 'POST', { endpoint: 'tokeninfo', status: 503, body: '{}', times: 1 });
    expect(injected.status).toBe(204);
    expect((await fetch(`${emulator.url}/v3/connect/tokeninfo?access_token=x`)).status).toBe(503);

    await controlRequest('faults', 'POST', { endpoint: 'tokeninfo', status: 500 });
    expect((await controlRequest('faults', 'DELETE')).status).toBe(204);
    expect((await fetch(`${emulator.url}/v3/connect/tokeninfo?access_token=x`)).status).toBe(400);
  });

  test('invalid fault over HTTP is 400', async () => {
    const unknownEndpoint = await controlRequest('faults', 'POST', { endpoint: 'nope', status: 500 });
    const badStatus = await controlRequest('faults', 'POST', { endpoint: 'token', status: '500' });

    expect(unknownEndpoint.status).toBe(400);
    expect((await readJson(unknownEndpoint)).error.message).toContain('endpoint must be one of');
    expect(badStatus.status).toBe(400);
  });

  test('GET /__emulator/stats equals stats()', async () => {
    await connect(emulator, { access_type: 'offline' });
    const response = await requestJson(`${emulator.url}/__emulator/stats`);
    expect(response.body).toEqual(emulator.stats());
  });

  test('POST /__emulator/reset forgets grants and counters', async () => {
    await connect(emulator);
    expect((await controlRequest('reset', 'POST')).status).toBe(204);
    expect(emulator.stats()).toEqual({
      tokenExchanges: { authorizationCode: 0, refreshToken: 0, failed: 0 },
      requests: { auth: 0, consent: 0, token: 0, tokeninfo: 0, revoke: 0, grants: 0, jwks: 0 },
      grants: 0,
      codesIssued: 0,
      faultsServed: 0,
      webhooks: { delivered: 0, failed: 0, retried: 0 },
    });
  });

  test('POST /__emulator/clients registers a client', async () => {
    const client = { clientId: 'new-client', apiKey: 'new-key', callbackUris: ['http://localhost:5000/cb'] };
    expect((await controlRequest('clients', 'POST', client)).status).toBe(204);

    const url = `${emulator.url}/v3/connect/auth?client_id=new-client&redirect_uri=${encodeURIComponent('http://localhost:5000/cb')}&response_type=code`;
    const location = await emulator.approve(url, { email: 'user@example.com' });
    expect(location).toMatch(/^http:\/\/localhost:5000\/cb\?code=/);
  });

  test('invalid client over HTTP is 400', async () => {
    const fragment = await controlRequest('clients', 'POST', { clientId: 'c', apiKey: 'k', callbackUris: ['http://x/cb#frag'] });
    const sharedKey = await controlRequest('clients', 'POST', { clientId: 'c', apiKey: APP.apiKey, callbackUris: [] });

    expect(fragment.status).toBe(400);
    expect((await readJson(fragment)).error.message).toContain('must not contain a fragment');
    expect(sharedKey.status).toBe(400);
  });

  test('control API needs a JSON body', async () => {
    const response = await fetch(`${emulator.url}/__emulator/faults`, { method: 'POST', body: 'endpoint=token' });
    expect(response.status).toBe(415);
  });
});

describe('stats', () => {
  test('count requests, codes, grants and exchanges', async () => {
    const tokens = await connect(emulator, { access_type: 'offline' }, { email: 'one@example.com' });
    await connect(emulator, {}, { email: 'two@example.com' });
    await postToken(emulator, { grant_type: 'refresh_token', client_id: APP.clientId, client_secret: APP.apiKey, refresh_token: tokens.refresh_token });
    await fetch(`${emulator.url}/v3/connect/tokeninfo?access_token=${tokens.access_token}`);
    await fetch(`${emulator.url}/v3/connect/revoke?token=${tokens.access_token}`, { method: 'POST' });
    await fetch(`${emulator.url}/v3/grants/${tokens.grant_id}`, { headers: { authorization: `Bearer ${APP.apiKey}` } });
    await fetch(emulator.jwksUri);
    await fetch(`${emulator.url}/__emulator/stats`);

    expect(emulator.stats()).toEqual({
      tokenExchanges: { authorizationCode: 2, refreshToken: 1, failed: 0 },
      requests: { auth: 2, consent: 2, token: 3, tokeninfo: 1, revoke: 1, grants: 1, jwks: 1 },
      grants: 2,
      codesIssued: 2,
      faultsServed: 0,
      webhooks: { delivered: 0, failed: 0, retried: 0 },
    });
  });
});
