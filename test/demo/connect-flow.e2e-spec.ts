import { NylasEmulator } from 'nylas-emulator';
import request from 'supertest';

import {
  API_KEY,
  approvedCallback,
  CALLBACK_URI,
  callbackPath,
  CLIENT_ID,
  connectMailbox,
  emulatorBackedConfig,
  EMULATOR_CLIENT,
  listGrants,
  signIn,
  startDemoApp,
  startFlow,
  type DemoTestApp,
} from './demo-test-app.js';

let emulator: NylasEmulator;
let demo: DemoTestApp;

beforeAll(async () => {
  emulator = await NylasEmulator.start({ clients: [EMULATOR_CLIENT] });
  demo = await startDemoApp(emulatorBackedConfig(emulator));
});

afterAll(async () => {
  await demo?.close();
  await emulator?.close();
});

beforeEach(() => emulator.reset());

describe('full flow over HTTP', () => {
  test('links the approved mailbox to the signed-in user', async () => {
    const login = await request(demo.baseUrl).post('/login').send({ username: 'alice' }).expect(200);
    expect(login.body).toEqual({ id: 'alice' });
    const cookie = String(login.headers['set-cookie']).split(';')[0];

    const start = await request(demo.baseUrl)
      .get('/auth/nylas')
      .query({ provider: 'google', returnTo: '/settings' })
      .set('Cookie', cookie)
      .redirects(0)
      .expect(302);
    const authUrl = new URL(start.headers.location);
    expect(`${authUrl.origin}${authUrl.pathname}`).toBe(`${emulator.url}/v3/connect/auth`);
    expect(authUrl.searchParams.get('client_id')).toBe(CLIENT_ID);
    expect(authUrl.searchParams.get('redirect_uri')).toBe(CALLBACK_URI);
    expect(authUrl.searchParams.get('response_type')).toBe('code');
    expect(authUrl.searchParams.get('provider')).toBe('google');
    expect(authUrl.searchParams.get('state')).toMatch(/^[\w-]{43}$/);
    expect(authUrl.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9+/]{86}$/);
    expect(authUrl.searchParams.get('code_challenge_method')).toBe('S256');
    expect(start.text).not.toContain(API_KEY);

    const redirect = await emulator.approve(authUrl.toString(), { email: 'alice@example.com', name: 'Alice' });
    const returned = new URL(redirect);
    expect(returned.searchParams.get('state')).toBe(authUrl.searchParams.get('state'));
    expect(returned.searchParams.get('code')).toBeTruthy();

    const callback = await request(demo.baseUrl).get(callbackPath(redirect)).set('Cookie', cookie).redirects(0);
    expect(callback.status).toBe(302);
    expect(callback.headers.location).toBe('/settings');

    const grants = await listGrants(demo.baseUrl, cookie);
    expect(grants).toHaveLength(1);
    expect(Object.keys(grants[0]).sort()).toEqual(['createdAt', 'email', 'expiresAt', 'grantId', 'provider', 'scope', 'status']);
    expect(grants[0]).toMatchObject({ email: 'alice@example.com', provider: 'google', status: 'valid' });
    expect(grants[0].grantId).toEqual(expect.any(String));
    expect(grants[0].scope).toEqual(expect.any(String));
    expect(new Date(grants[0].expiresAt as string).getTime()).toBeGreaterThan(Date.now());
    expect(new Date(grants[0].createdAt as string).getTime()).toBeLessThanOrEqual(Date.now());
    expect(emulator.stats().tokenExchanges.authorizationCode).toBe(1);
  });

  test('callback without returnTo redirects to the page', async () => {
    const { path } = await approvedCallback(demo.baseUrl, emulator, 'no-return-to', 'nrt@example.com');

    const callback = await request(demo.baseUrl).get(path).redirects(0).expect(302);

    expect(callback.headers.location).toBe('/');
  });

  test('callback answers JSON without tokens when asked', async () => {
    const { path } = await approvedCallback(demo.baseUrl, emulator, 'json-client', 'json@example.com');

    const callback = await request(demo.baseUrl).get(path).set('Accept', 'application/json').expect(200);

    expect(callback.body).toMatchObject({ email: 'json@example.com', provider: 'google', status: 'valid' });
    expect(JSON.stringify(callback.body)).not.toMatch(/access_?token|id_?token|refresh/i);
    expect(callback.headers['cache-control']).toBe('no-store');
  });
});

describe('signed out', () => {
  test('start route answers 401 not_signed_in', async () => {
    const response = await request(demo.baseUrl).get('/auth/nylas').query({ provider: 'google' }).redirects(0);

    expect(response.status).toBe(401);
    expect(response.body).toEqual({ statusCode: 401, error: 'not_signed_in', message: expect.any(String) });
  });

  test('grant list answers 401', async () => {
    const response = await request(demo.baseUrl).get('/api/grants');

    expect(response.status).toBe(401);
    expect(response.body).toMatchObject({ statusCode: 401, error: 'not_signed_in' });
  });

  test('grant delete answers 401', async () => {
    const response = await request(demo.baseUrl).delete('/api/grants/anything');

    expect(response.status).toBe(401);
  });
});

describe('proxy headers', () => {
  const spoofed = { Host: 'evil.example', 'X-Forwarded-Host': 'evil.example', 'X-Forwarded-Proto': 'https' };

  test('start ignores Host and X-Forwarded-Host', async () => {
    const cookie = await signIn(demo.baseUrl, 'proxy-start');

    const start = await request(demo.baseUrl).get('/auth/nylas').set(spoofed).set('Cookie', cookie).redirects(0).expect(302);

    expect(new URL(start.headers.location).searchParams.get('redirect_uri')).toBe(CALLBACK_URI);
  });

  test('callback exchange sends the configured redirect_uri', async () => {
    const { path } = await approvedCallback(demo.baseUrl, emulator, 'proxy-callback', 'proxy@example.com');

    const callback = await request(demo.baseUrl).get(path).set(spoofed).redirects(0);

    // The emulator accepts the exchange only with a redirect_uri byte-identical to the one
    // given at /v3/connect/auth, so one accepted exchange shows the headers changed nothing.
    expect(callback.status).toBe(302);
    expect(callback.headers.location).toBe('/');
    expect(emulator.stats().tokenExchanges.authorizationCode).toBe(1);
    expect(emulator.stats().tokenExchanges.failed).toBe(0);
  });
});

describe('returnTo attacks', () => {
  const attacks = ['https://evil.example/', '//evil.example', '/\\evil.example', '/%2F%2Fevil.example', 'javascript:alert(1)'];

  test.each(attacks)('start rejects returnTo %s', async (returnTo) => {
    const cookie = await signIn(demo.baseUrl, 'return-to-attacker');

    const response = await request(demo.baseUrl).get('/auth/nylas').query({ returnTo }).set('Cookie', cookie).redirects(0);

    expect(response.status).toBe(400);
    expect(response.body).toEqual({ statusCode: 400, error: 'invalid_return_to', message: expect.any(String) });
    expect(response.headers.location).toBeUndefined();
  });
});

describe('DELETE /api/grants/:grantId', () => {
  test('unlinks the own grant', async () => {
    const cookie = await connectMailbox(demo.baseUrl, emulator, 'deleter', 'deleter@example.com');
    const [grant] = await listGrants(demo.baseUrl, cookie);

    await request(demo.baseUrl).delete(`/api/grants/${grant.grantId}`).set('Cookie', cookie).expect(204);

    expect(await listGrants(demo.baseUrl, cookie)).toEqual([]);
  });

  test("answers 404 for another user's grant and keeps it", async () => {
    const ownerCookie = await connectMailbox(demo.baseUrl, emulator, 'owner', 'owner@example.com');
    const [grant] = await listGrants(demo.baseUrl, ownerCookie);
    const intruderCookie = await signIn(demo.baseUrl, 'intruder');

    const response = await request(demo.baseUrl).delete(`/api/grants/${grant.grantId}`).set('Cookie', intruderCookie);

    expect(response.status).toBe(404);
    expect(response.body).toEqual({ statusCode: 404, error: 'grant_not_found', message: expect.any(String) });
    expect(await listGrants(demo.baseUrl, ownerCookie)).toEqual([grant]);
  });

  test('answers 404 for an unknown grant', async () => {
    const cookie = await signIn(demo.baseUrl, 'nobody-special');

    const response = await request(demo.baseUrl).delete('/api/grants/no-such-grant').set('Cookie', cookie);

    expect(response.status).toBe(404);
    expect(response.body.error).toBe('grant_not_found');
  });
});

describe('start parameters', () => {
  test('start without provider lets Nylas ask', async () => {
    const cookie = await signIn(demo.baseUrl, 'no-provider');

    const location = await startFlow(demo.baseUrl, cookie);

    expect(new URL(location).searchParams.has('provider')).toBe(false);
  });

  test('start rejects an unknown provider', async () => {
    const cookie = await signIn(demo.baseUrl, 'bad-provider');

    const response = await request(demo.baseUrl).get('/auth/nylas').query({ provider: 'aol' }).set('Cookie', cookie).redirects(0);

    expect(response.status).toBe(400);
    expect(response.body.error).toBe('invalid_provider');
  });
});
