import { randomBytes } from 'node:crypto';

import { NylasGrantRepository } from 'nestjs-nylas-connect';
import { NylasEmulator } from 'nylas-emulator';
import request from 'supertest';
import { DataSource } from 'typeorm';

import type { DemoConfig } from '../../src/config/demo-config.js';
import {
  approvedCallback,
  BROWSER_ACCEPT,
  callbackPath,
  emulatorBackedConfig,
  EMULATOR_CLIENT,
  listGrants,
  signIn,
  startDemoApp,
  startFlow,
  type DemoTestApp,
} from '../demo/demo-test-app.js';
import { CapturingLogger } from './log-capture.js';

/**
 * Hostile and failing-Nylas cases against the demo app and the emulator. Every secret the suite
 * handles (codes, states, verifiers, tokens, keys) is collected, and the last test checks that none
 * of them appears in anything the app logged.
 */
const WEBHOOK_SECRET = `whsec-${randomBytes(12).toString('hex')}`;
const REQUEST_TIMEOUT_MS = 400;

describe('hostile callbacks', () => {
  const logger = new CapturingLogger();
  const secrets = new Set<string>([EMULATOR_CLIENT.apiKey, WEBHOOK_SECRET]);
  let restoreConsole: () => void;
  let emulator: NylasEmulator;
  let demo: DemoTestApp;
  let config: DemoConfig;

  function remember(...values: Array<string | null | undefined>): void {
    for (const value of values) if (value) secrets.add(value);
  }

  /** Records the code and state of a callback path as secrets. */
  function rememberCallback(path: string): void {
    const query = new URL(path, 'http://x').searchParams;
    remember(query.get('code'), query.get('state'));
  }

  async function rememberStoredSecrets(): Promise<void> {
    const dataSource = demo.app.get(DataSource);
    const flows: Array<{ code_verifier: string }> = await dataSource.query('SELECT code_verifier FROM nylas_pending_flows');
    remember(...flows.map((flow) => flow.code_verifier));
    const repository = demo.app.get(NylasGrantRepository);
    const grants: Array<{ grant_id: string }> = await dataSource.query('SELECT grant_id FROM nylas_grants');
    for (const { grant_id } of grants) {
      const tokens = await repository.readTokens(grant_id).catch(() => null);
      remember(tokens?.accessToken, tokens?.refreshToken);
    }
  }

  async function grantRowCount(): Promise<number> {
    const rows: unknown[] = await demo.app.get(DataSource).query('SELECT grant_id FROM nylas_grants');
    return rows.length;
  }

  async function approved(user: string, email = `${user}@example.com`, query?: Record<string, string>) {
    const flow = await approvedCallback(demo.baseUrl, emulator, user, email, query);
    rememberCallback(flow.path);
    await rememberStoredSecrets();
    return flow;
  }

  function getJson(path: string, headers: Record<string, string> = {}) {
    let req = request(demo.baseUrl).get(path).set('Accept', 'application/json');
    for (const [name, value] of Object.entries(headers)) req = req.set(name, value);
    return req;
  }

  beforeAll(async () => {
    restoreConsole = logger.captureConsole();
    emulator = await NylasEmulator.start({ clients: [EMULATOR_CLIENT] });
    config = {
      ...emulatorBackedConfig(emulator),
      tokenEncryption: { currentKeyId: 'k1', keys: { k1: randomBytes(32).toString('base64') } },
      webhookSecret: WEBHOOK_SECRET,
    };
    remember(config.session.secret, config.tokenEncryption!.keys.k1);
    demo = await startDemoApp(config, { nylas: { requestTimeoutMs: REQUEST_TIMEOUT_MS, accessType: 'offline' } }, logger);
  });

  afterAll(async () => {
    await demo?.close();
    await emulator?.close();
    restoreConsole?.();
  });

  beforeEach(() => {
    emulator.clearFaults();
  });

  it('1: the same callback twice at once exchanges once and writes one row', async () => {
    const { path, cookie } = await approved('case1');
    const before = emulator.stats().tokenExchanges.authorizationCode;

    const [first, second] = await Promise.all([getJson(path), getJson(path)]);

    expect(first.status).toBe(200);
    expect([200, 400]).toContain(second.status);
    expect(emulator.stats().tokenExchanges.authorizationCode - before).toBe(1);
    expect(await listGrants(demo.baseUrl, cookie)).toHaveLength(1);
    await rememberStoredSecrets();
  });

  it('2: a replay after success is rejected without calling Nylas', async () => {
    const { path } = await approved('case2');
    await getJson(path).expect(200);
    const tokenRequests = emulator.stats().requests.token;

    const replay = await request(demo.baseUrl).get(path).set('Accept', BROWSER_ACCEPT).redirects(0);
    expect(replay.status).toBe(302);
    expect(replay.headers.location).toBe('/?nylas_error=state_already_used');
    expect(emulator.stats().requests.token).toBe(tokenRequests);
  });

  it('3: two tabs started before either finishes both succeed', async () => {
    const cookie = await signIn(demo.baseUrl, 'case3');
    const tabA = await startFlow(demo.baseUrl, cookie, { provider: 'google' });
    const tabB = await startFlow(demo.baseUrl, cookie, { provider: 'microsoft' });
    const pathA = callbackPath(await emulator.approve(tabA, { email: 'case3-a@example.com' }));
    const pathB = callbackPath(await emulator.approve(tabB, { email: 'case3-b@example.com' }));
    rememberCallback(pathA);
    rememberCallback(pathB);

    await getJson(pathA).expect(200);
    await getJson(pathB).expect(200);
    expect((await listGrants(demo.baseUrl, cookie)).map((grant) => grant.email).sort()).toEqual(['case3-a@example.com', 'case3-b@example.com']);
    await rememberStoredSecrets();
  });

  it('4: forwarded headers do not change the redirect_uri sent to Nylas', async () => {
    const { path } = await approved('case4');
    const response = await getJson(path, { 'X-Forwarded-Proto': 'http', 'X-Forwarded-Host': 'evil.example', Host: 'other.example' });
    // The emulator exchanges a code only for the byte-identical redirect_uri it was issued for.
    expect(response.status).toBe(200);
    expect(JSON.stringify(response.body)).not.toContain('evil.example');
  });

  describe('5: error parameters', () => {
    it('access_denied uses up the state and does not echo the description', async () => {
      const cookie = await signIn(demo.baseUrl, 'case5');
      const authUrl = await startFlow(demo.baseUrl, cookie);
      const state = new URL(authUrl).searchParams.get('state')!;
      remember(state);
      const tokenRequests = emulator.stats().requests.token;

      const denied = await request(demo.baseUrl)
        .get(`/auth/nylas/callback?error=access_denied&error_description=${encodeURIComponent('<b>Denied by Mallory</b>')}&state=${state}`)
        .set('Accept', BROWSER_ACCEPT)
        .redirects(0);
      expect(denied.status).toBe(302);
      expect(denied.headers.location).toBe('/?nylas_error=access_denied');
      expect(denied.text).not.toContain('Mallory');

      const approvedAfter = callbackPath(await emulator.approve(authUrl, { email: 'case5@example.com' }));
      rememberCallback(approvedAfter);
      const retry = await getJson(approvedAfter);
      expect(retry.status).toBe(400);
      expect(retry.body.error).toBe('state_already_used');
      expect(emulator.stats().requests.token).toBe(tokenRequests);
    });

    it('server_error answers 502 with a stable code', async () => {
      const response = await getJson('/auth/nylas/callback?error=server_error&error_description=upstream+boom&state=whatever');
      expect(response.status).toBe(502);
      expect(response.body).toEqual({ statusCode: 502, error: 'server_error', message: expect.any(String) });
      expect(response.text).not.toContain('upstream boom');
    });

    it('an error without a state is answered and calls nobody', async () => {
      const tokenRequests = emulator.stats().requests.token;
      const response = await getJson('/auth/nylas/callback?error=access_denied');
      expect(response.status).toBe(403);
      expect(response.body.error).toBe('access_denied');
      expect(emulator.stats().requests.token).toBe(tokenRequests);
    });
  });

  it.each(['https://evil.example/', '//evil.example', '/\\evil.example', '/%2F%2Fevil.example', 'javascript:alert(1)'])(
    '6: returnTo %s is rejected at the start',
    async (returnTo) => {
      const cookie = await signIn(demo.baseUrl, 'case6');
      const response = await request(demo.baseUrl).get('/auth/nylas').query({ returnTo }).set('Cookie', cookie).redirects(0);
      expect(response.status).toBe(400);
      expect(response.body.error).toBe('invalid_return_to');
      expect(response.headers.location).toBeUndefined();
    },
  );

  it('6: an accepted returnTo redirects only within the site', async () => {
    const { path } = await approved('case6b', undefined, { returnTo: '/settings?tab=mail' });
    const response = await request(demo.baseUrl).get(path).set('Accept', BROWSER_ACCEPT).redirects(0);
    expect(response.headers.location).toBe('/settings?tab=mail');
  });

  it('8: a 502 HTML page from the token endpoint answers 502 nylas_unavailable', async () => {
    const { path } = await approved('case8');
    const tokenRequests = emulator.stats().requests.token;
    emulator.injectFault('token', { status: 502, body: '<html><body>Bad gateway page-secret</body></html>', contentType: 'text/html' });

    const response = await getJson(path);
    expect(response.status).toBe(502);
    expect(response.body.error).toBe('nylas_unavailable');
    expect(response.text).not.toContain('page-secret');
    expect(logger.linesContaining('page-secret')).toEqual([]);

    emulator.clearFaults();
    const again = await getJson(path);
    expect(again.status).toBe(400);
    expect(emulator.stats().requests.token - tokenRequests).toBe(1);
  });

  describe('9: slow, refused and rate-limited token endpoint', () => {
    it('a timeout answers 504 within the timeout plus a second, and stores nothing', async () => {
      const { path } = await approved('case9a');
      const rows = await grantRowCount();
      emulator.injectFault('token', { delayMs: 5_000 });

      const started = Date.now();
      const response = await getJson(path);
      expect(response.status).toBe(504);
      expect(response.body.error).toBe('nylas_timeout');
      expect(Date.now() - started).toBeLessThan(REQUEST_TIMEOUT_MS + 1_000);
      expect(await grantRowCount()).toBe(rows);
    });

    it('429 with Retry-After answers 503 nylas_rate_limited', async () => {
      const { path } = await approved('case9b');
      emulator.injectFault('token', { status: 429, body: '{"error":"rate_limited"}', headers: { 'retry-after': '30' } });

      const response = await getJson(path);
      expect(response.status).toBe(503);
      expect(response.body.error).toBe('nylas_rate_limited');
    });

    it('a refused connection answers 502 and stores nothing', async () => {
      const down = await NylasEmulator.start({ clients: [EMULATOR_CLIENT] });
      const deadUrl = down.url;
      await down.close();
      const refused = await startDemoApp({ ...config, nylas: { ...config.nylas, apiUri: deadUrl } as DemoConfig['nylas'] }, {}, logger);
      try {
        const cookie = await signIn(refused.baseUrl, 'case9c');
        const authUrl = await startFlow(refused.baseUrl, cookie);
        const path = callbackPath(await emulator.approve(authUrl.replace(deadUrl, emulator.url), { email: 'case9c@example.com' }));
        rememberCallback(path);

        const response = await request(refused.baseUrl).get(path).set('Accept', 'application/json');
        expect(response.status).toBe(502);
        expect(response.body.error).toBe('nylas_unavailable');
        expect(await listGrants(refused.baseUrl, cookie)).toEqual([]);
      } finally {
        await refused.close();
      }
    });
  });

  it.each([
    ['without grant_id', '{"access_token":"at-1","expires_in":3600,"id_token":"a.b.c"}'],
    ['without access_token', '{"grant_id":"g-1","expires_in":3600,"id_token":"a.b.c"}'],
    ['that is not JSON', 'access_token=at-1'],
  ])('10: a 200 token response %s answers 502 and writes no row', async (_case, body) => {
    const { path } = await approved(`case10-${randomBytes(3).toString('hex')}`);
    const rows = await grantRowCount();
    emulator.injectFault('token', { status: 200, body, contentType: body.startsWith('{') ? 'application/json' : 'text/plain' });

    const response = await getJson(path);
    expect(response.status).toBe(502);
    expect(response.body.error).toBe('invalid_token_response');
    expect(await grantRowCount()).toBe(rows);
  });

  it('11: link failure answers 503 without a row', async () => {
    const { path, cookie } = await approved('case11');
    const dataSource = demo.app.get(DataSource);
    const rows = await grantRowCount();
    await dataSource.query('ALTER TABLE nylas_grants RENAME TO nylas_grants_away');
    let response: request.Response;
    try {
      response = await getJson(path);
    } finally {
      await dataSource.query('ALTER TABLE nylas_grants_away RENAME TO nylas_grants');
    }
    expect(response.status).toBe(503);
    expect(response.body.error).toBe('storage_unavailable');
    expect(await grantRowCount()).toBe(rows);

    const again = await approved('case11');
    await getJson(again.path).expect(200);
    expect(await listGrants(demo.baseUrl, cookie)).toHaveLength(1);
    await rememberStoredSecrets();
  });

  it('logs failures with ids and never a code, state, verifier, token or secret', async () => {
    await rememberStoredSecrets();
    expect(secrets.size).toBeGreaterThan(20);
    for (const secret of secrets) {
      expect({ secret, lines: logger.linesContaining(secret) }).toEqual({ secret, lines: [] });
    }
    expect(logger.lines.some((line) => /Linked grant \S+ to user case1/.test(line))).toBe(true);
    expect(logger.lines.some((line) => /^warn .*Callback failed with nylas_unavailable/.test(line))).toBe(true);
  });
});
