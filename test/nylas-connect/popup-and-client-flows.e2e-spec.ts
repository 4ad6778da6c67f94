import { createHash } from 'node:crypto';

import type { Request } from 'express';
import request from 'supertest';
import { DataSource, type DataSourceOptions } from 'typeorm';

import {
  AddPendingFlowMode1764979200000,
  NylasClientFlowService,
  NYLAS_CONNECT_ENTITIES,
  NYLAS_CONNECT_MIGRATIONS,
  resolveNylasConnectOptions,
  InvalidNylasConnectOptionError,
} from 'nestjs-nylas-connect';
import { NylasEmulator } from 'nylas-emulator';

import { API_KEY, CALLBACK_URI, CLIENT_ID, useConnectTestApps, type ConnectTestApp } from '../support/connect-test-app.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

const APP_ORIGIN = new URL(CALLBACK_URI).origin;
const USER_HEADER = 'x-test-user';

/** What a pop-up callback page carries, read back from its HTML and headers. */
interface PopupPage {
  message: Record<string, unknown>;
  targetOrigin: string;
  script: string;
  csp: string;
}

/** Reads the message, the target origin and the inline script of a pop-up page. */
function readPopupPage(response: request.Response): PopupPage {
  expect(response.headers['content-type']).toMatch(/^text\/html/);
  const script = /<script>([\s\S]*?)<\/script>/.exec(response.text)?.[1];
  if (script === undefined) throw new Error(`No inline script in the pop-up page:\n${response.text}`);

  const message = /var message = (.*);/.exec(script)?.[1];
  const targetOrigin = /postMessage\(message, (.*)\);/.exec(script)?.[1];
  if (message === undefined || targetOrigin === undefined) throw new Error(`Unexpected pop-up script:\n${script}`);
  return { message: JSON.parse(message), targetOrigin: JSON.parse(targetOrigin), script, csp: String(response.headers['content-security-policy']) };
}

/** Returns the callback path and query of a redirect to `CALLBACK_URI`, to GET from the test app. */
function callbackPathOf(redirectUrl: string): string {
  const url = new URL(redirectUrl);
  expect(`${url.origin}${url.pathname}`).toBe(CALLBACK_URI);
  return `${url.pathname}${url.search}`;
}

describe('pop-up and client flows', () => {
  const suite = useConnectTestApps();
  let emulator: NylasEmulator;
  let ctx: ConnectTestApp;

  beforeEach(async () => {
    emulator = suite.emulator;
    ctx = await suite.app({ resolveUserId: (req: Request) => req.header(USER_HEADER), allowClientFlows: true });
  });

  function http() {
    return request(ctx.app.getHttpServer());
  }

  /** Starts a flow through the start route as `user` and returns the Nylas authorization URL. */
  async function startThroughRoute(user: string, query: Record<string, string>): Promise<string> {
    const response = await http().get('/auth/nylas').query(query).set(USER_HEADER, user).redirects(0);
    expect(response.status).toBe(302);
    return response.headers.location;
  }

  /** Starts a client flow through `POST /auth/nylas/flows` as `user`. */
  async function startClientFlow(user: string, body: Record<string, unknown> = { provider: 'google' }) {
    const response = await http().post('/auth/nylas/flows').set(USER_HEADER, user).send(body);
    expect(response.status).toBe(201);
    return response.body as { url: string; state: string; expiresAt: number };
  }

  describe('pop-up mode', () => {
    test('success page posts the grant to the configured origin', async () => {
      const authUrl = await startThroughRoute('alice', { mode: 'popup', provider: 'google' });
      const redirect = await emulator.approve(authUrl, { email: 'alice@example.com', name: 'Alice' });

      const callback = await http().get(callbackPathOf(redirect));

      expect(callback.status).toBe(200);
      const page = readPopupPage(callback);
      const [grant] = await ctx.grants.findForUser('alice');
      expect(page.message).toEqual({ type: 'NYLAS_CONNECT_SUCCESS', grantId: grant.grantId, email: 'alice@example.com', provider: 'google' });
      expect(page.targetOrigin).toBe(APP_ORIGIN);
      expect(page.script).toContain('window.close()');
    });

    test('page carries no token and is not cached', async () => {
      const authUrl = await startThroughRoute('alice', { mode: 'popup' });
      const redirect = await emulator.approve(authUrl, { email: 'alice@example.com' });

      const callback = await http().get(callbackPathOf(redirect));

      expect(callback.text).not.toMatch(/access_?token|id_?token|refresh_?token|code_verifier/i);
      expect(callback.text).not.toContain(new URL(redirect).searchParams.get('code'));
      expect(callback.headers['cache-control']).toBe('no-store');
      expect(callback.headers['referrer-policy']).toBe('no-referrer');
      expect(callback.headers['cross-origin-opener-policy']).toBe('unsafe-none');
    });

    test('Content-Security-Policy allows only the inline script by hash', async () => {
      const authUrl = await startThroughRoute('alice', { mode: 'popup' });
      const redirect = await emulator.approve(authUrl, { email: 'alice@example.com' });

      const page = readPopupPage(await http().get(callbackPathOf(redirect)));

      const hash = createHash('sha256').update(page.script, 'utf8').digest('base64');
      expect(page.csp).toBe(`default-src 'none'; script-src 'sha256-${hash}'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`);
      expect(page.csp).not.toContain('unsafe-inline');
    });

    test('denied consent answers the page with access_denied', async () => {
      const authUrl = await startThroughRoute('alice', { mode: 'popup' });
      const redirect = await emulator.deny(authUrl);

      const callback = await http().get(callbackPathOf(redirect)).redirects(0);

      expect(callback.status).toBe(403);
      expect(callback.headers.location).toBeUndefined();
      expect(readPopupPage(callback).message).toEqual({ type: 'NYLAS_CONNECT_ERROR', error: 'access_denied' });
      expect(callback.headers['cache-control']).toBe('no-store');
    });

    test('replayed callback answers the page with state_already_used', async () => {
      const authUrl = await startThroughRoute('alice', { mode: 'popup' });
      const path = callbackPathOf(await emulator.approve(authUrl, { email: 'alice@example.com' }));
      await http().get(path).expect(200);

      const replay = await http().get(path).redirects(0);

      expect(replay.status).toBe(400);
      expect(readPopupPage(replay).message).toEqual({ type: 'NYLAS_CONNECT_ERROR', error: 'state_already_used' });
    });

    test('expired flow answers the page with state_expired', async () => {
      ctx = await suite.app({ resolveUserId: (req: Request) => req.header(USER_HEADER), allowClientFlows: true, stateTtlMs: 200 });
      const authUrl = await startThroughRoute('alice', { mode: 'popup' });
      const path = callbackPathOf(await emulator.approve(authUrl, { email: 'alice@example.com' }));
      await new Promise((resolve) => setTimeout(resolve, 300));

      const callback = await http().get(path).redirects(0);

      expect(readPopupPage(callback).message).toEqual({ type: 'NYLAS_CONNECT_ERROR', error: 'state_expired' });
    });

    test('JSON Accept header does not change a pop-up response', async () => {
      const authUrl = await startThroughRoute('alice', { mode: 'popup' });
      const redirect = await emulator.approve(authUrl, { email: 'alice@example.com' });

      const callback = await http().get(callbackPathOf(redirect)).set('Accept', 'application/json');

      expect(readPopupPage(callback).message.type).toBe('NYLAS_CONNECT_SUCCESS');
    });

    test('mode in the callback URL cannot switch a redirect flow', async () => {
      const authUrl = await startThroughRoute('alice', { returnTo: '/settings' });
      const path = callbackPathOf(await emulator.approve(authUrl, { email: 'alice@example.com' }));

      const callback = await http().get(`${path}&mode=popup`).redirects(0);

      expect(callback.status).toBe(302);
      expect(callback.headers.location).toBe('/settings');
    });

    test('mode in the callback URL cannot switch a failed redirect flow', async () => {
      const authUrl = await startThroughRoute('alice', {});
      const path = callbackPathOf(await emulator.deny(authUrl));

      const callback = await http().get(`${path}&mode=popup`).redirects(0);

      expect(callback.status).toBe(302);
      expect(callback.headers.location).toBe('/?nylas_error=access_denied');
    });

    test('unknown state with mode=popup still redirects', async () => {
      const callback = await http().get('/auth/nylas/callback?code=c&state=unknown-state&mode=popup').redirects(0);

      expect(callback.status).toBe(302);
      expect(callback.headers.location).toBe('/?nylas_error=state_not_found');
    });

    test('signed-out pop-up start answers the page with not_signed_in', async () => {
      const response = await http().get('/auth/nylas').query({ mode: 'popup' }).redirects(0);

      expect(response.status).toBe(401);
      expect(readPopupPage(response).message).toEqual({ type: 'NYLAS_CONNECT_ERROR', error: 'not_signed_in' });
    });

    test('signed-out redirect start still answers JSON', async () => {
      const response = await http().get('/auth/nylas').redirects(0);

      expect(response.status).toBe(401);
      expect(response.body).toEqual({ statusCode: 401, error: 'not_signed_in', message: expect.any(String) });
    });

    test.each(['client', 'window'])('start rejects mode %j', async (mode) => {
      const response = await http().get('/auth/nylas').query({ mode }).set(USER_HEADER, 'alice').redirects(0);

      expect(response.status).toBe(400);
      expect(response.body.error).toBe('invalid_mode');
    });

    test('start treats an empty mode as redirect', async () => {
      const authUrl = await startThroughRoute('alice', { mode: '', returnTo: '/settings' });
      const path = callbackPathOf(await emulator.approve(authUrl, { email: 'alice@example.com' }));

      const callback = await http().get(path).redirects(0);

      expect(callback.status).toBe(302);
      expect(callback.headers.location).toBe('/settings');
    });

    test('start rejects a repeated mode', async () => {
      const response = await http().get('/auth/nylas?mode=popup&mode=redirect').set(USER_HEADER, 'alice').redirects(0);

      expect(response.status).toBe(400);
      expect(response.body.error).toBe('invalid_mode');
    });

    test('pop-up flow keeps PKCE', async () => {
      const authUrl = new URL(await startThroughRoute('alice', { mode: 'popup' }));

      expect(authUrl.searchParams.get('code_challenge_method')).toBe('S256');
      expect(authUrl.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9+/]{86}$/);
    });

    test('popupOrigin option sets the target origin', async () => {
      ctx = await suite.app({ resolveUserId: (req: Request) => req.header(USER_HEADER), popupOrigin: 'https://app.example.com' });
      const authUrl = await startThroughRoute('alice', { mode: 'popup' });
      const redirect = await emulator.approve(authUrl, { email: 'alice@example.com' });

      const page = readPopupPage(await http().get(callbackPathOf(redirect)));

      expect(page.targetOrigin).toBe('https://app.example.com');
    });
  });

  describe('client flows', () => {
    test('are refused unless allowClientFlows is on', async () => {
      ctx = await suite.app({ resolveUserId: (req: Request) => req.header(USER_HEADER) });

      const start = await http().post('/auth/nylas/flows').set(USER_HEADER, 'alice').send({});
      expect(start.status).toBe(403);
      expect(start.body.error).toBe('client_flows_disabled');

      const exchange = await http().post('/auth/nylas/exchange').set(USER_HEADER, 'alice').send({ code: 'c', state: 's' });
      expect(exchange.status).toBe(403);
      expect(exchange.body.error).toBe('client_flows_disabled');
    });

    test('POST flows answers 401 when signed out', async () => {
      const response = await http().post('/auth/nylas/flows').send({});

      expect(response.status).toBe(401);
      expect(response.body.error).toBe('not_signed_in');
    });

    test('POST exchange answers 401 when signed out', async () => {
      const response = await http().post('/auth/nylas/exchange').send({ code: 'c', state: 's' });

      expect(response.status).toBe(401);
      expect(response.body.error).toBe('not_signed_in');
    });

    test('POST flows returns url, state and expiry without PKCE', async () => {
      const before = Date.now();

      const flow = await startClientFlow('alice', { provider: 'microsoft', loginHint: 'alice@example.com' });

      const url = new URL(flow.url);
      expect(`${url.origin}${url.pathname}`).toBe(`${emulator.url}/v3/connect/auth`);
      expect(url.searchParams.get('state')).toBe(flow.state);
      expect(url.searchParams.get('client_id')).toBe(CLIENT_ID);
      expect(url.searchParams.get('redirect_uri')).toBe(CALLBACK_URI);
      expect(url.searchParams.get('provider')).toBe('microsoft');
      expect(url.searchParams.get('login_hint')).toBe('alice@example.com');
      expect(url.searchParams.has('code_challenge')).toBe(false);
      expect(flow.expiresAt).toBeGreaterThan(before);
      expect(JSON.stringify(flow)).not.toContain(API_KEY);
    });

    test('POST flows rejects a body that is not JSON', async () => {
      const response = await http().post('/auth/nylas/flows').set(USER_HEADER, 'alice').type('form').send('provider=google');

      expect(response.status).toBe(415);
      expect(response.body.error).toBe('unsupported_media_type');
    });

    test('POST flows rejects a provider that is not a string', async () => {
      const response = await http().post('/auth/nylas/flows').set(USER_HEADER, 'alice').send({ provider: ['google'] });

      expect(response.status).toBe(400);
      expect(response.body.error).toBe('invalid_provider');
    });

    test('callback hands the code to the opener without exchanging it', async () => {
      const flow = await startClientFlow('alice');
      const redirect = await emulator.approve(flow.url, { email: 'alice@example.com' });
      const returned = new URL(redirect);

      const callback = await http().get(callbackPathOf(redirect));

      expect(callback.status).toBe(200);
      const page = readPopupPage(callback);
      expect(page.message).toEqual({ type: 'NYLAS_CONNECT_SUCCESS', code: returned.searchParams.get('code'), state: flow.state });
      expect(page.targetOrigin).toBe(APP_ORIGIN);
      expect(emulator.stats().tokenExchanges.authorizationCode).toBe(0);
      expect(await ctx.grants.findForUser('alice')).toEqual([]);
    });

    test('exchange links the grant and returns no token', async () => {
      const flow = await startClientFlow('alice');
      const code = new URL(await emulator.approve(flow.url, { email: 'alice@example.com' })).searchParams.get('code');

      const response = await http().post('/auth/nylas/exchange').set(USER_HEADER, 'alice').send({ code, state: flow.state });

      expect(response.status).toBe(200);
      const [grant] = await ctx.grants.findForUser('alice');
      expect(response.body).toEqual({ grantId: grant.grantId, email: 'alice@example.com', provider: 'google' });
      expect(response.headers['cache-control']).toBe('no-store');
      expect(emulator.stats().tokenExchanges).toMatchObject({ authorizationCode: 1, failed: 0 });
    });

    test('exchange after the hand-off page succeeds', async () => {
      const flow = await startClientFlow('alice');
      const redirect = await emulator.approve(flow.url, { email: 'alice@example.com' });
      const page = readPopupPage(await http().get(callbackPathOf(redirect)));

      const response = await http()
        .post('/auth/nylas/exchange')
        .set(USER_HEADER, 'alice')
        .send({ code: page.message.code, state: page.message.state });

      expect(response.status).toBe(200);
      expect(response.body.email).toBe('alice@example.com');
    });

    test("exchange rejects another user's flow and links nothing", async () => {
      const flow = await startClientFlow('alice');
      const code = new URL(await emulator.approve(flow.url, { email: 'alice@example.com' })).searchParams.get('code');

      const stolen = await http().post('/auth/nylas/exchange').set(USER_HEADER, 'mallory').send({ code, state: flow.state });

      expect(stolen.status).toBe(403);
      expect(stolen.body).toEqual({ statusCode: 403, error: 'flow_user_mismatch', message: expect.any(String) });
      expect(await ctx.grants.findForUser('mallory')).toEqual([]);
      expect(await ctx.grants.findForUser('alice')).toEqual([]);
      expect(emulator.stats().tokenExchanges.authorizationCode).toBe(0);

      const own = await http().post('/auth/nylas/exchange').set(USER_HEADER, 'alice').send({ code, state: flow.state });
      expect(own.status).toBe(200);
    });

    test('exchange rejects a redirect flow', async () => {
      const authUrl = await startThroughRoute('alice', {});
      const returned = new URL(await emulator.approve(authUrl, { email: 'alice@example.com' }));

      const response = await http()
        .post('/auth/nylas/exchange')
        .set(USER_HEADER, 'alice')
        .send({ code: returned.searchParams.get('code'), state: returned.searchParams.get('state') });

      expect(response.status).toBe(400);
      expect(response.body.error).toBe('flow_mode_mismatch');
      expect(emulator.stats().tokenExchanges.authorizationCode).toBe(0);
    });

    test('exchange rejects an unknown state', async () => {
      const response = await http().post('/auth/nylas/exchange').set(USER_HEADER, 'alice').send({ code: 'some-code', state: 'unknown' });

      expect(response.status).toBe(400);
      expect(response.body.error).toBe('state_not_found');
    });

    test('replayed exchange answers state_already_used', async () => {
      const flow = await startClientFlow('alice');
      const code = new URL(await emulator.approve(flow.url, { email: 'alice@example.com' })).searchParams.get('code');
      await http().post('/auth/nylas/exchange').set(USER_HEADER, 'alice').send({ code, state: flow.state }).expect(200);

      const replay = await http().post('/auth/nylas/exchange').set(USER_HEADER, 'alice').send({ code, state: flow.state });

      expect(replay.status).toBe(400);
      expect(replay.body.error).toBe('state_already_used');
    });

    test.each([
      ['no code', { state: 'abc' }],
      ['no state', { code: 'abc' }],
      ['a numeric code', { code: 42, state: 'abc' }],
      ['an empty state', { code: 'abc', state: '' }],
      ['an oversized code', { code: 'c'.repeat(4097), state: 'abc' }],
    ])('exchange rejects a body with %s', async (_case, body) => {
      const response = await http().post('/auth/nylas/exchange').set(USER_HEADER, 'alice').send(body);

      expect(response.status).toBe(400);
      expect(response.body.error).toBe('invalid_request_body');
    });

    test('exchange rejects a JSON array body', async () => {
      const response = await http().post('/auth/nylas/exchange').set(USER_HEADER, 'alice').send([{ code: 'a', state: 'b' }]);

      expect(response.status).toBe(400);
      expect(response.body.error).toBe('invalid_request_body');
    });

    test('exchange rejects a form body', async () => {
      const response = await http().post('/auth/nylas/exchange').set(USER_HEADER, 'alice').type('form').send('code=a&state=b');

      expect(response.status).toBe(415);
    });

    test('denied client flow posts the error and uses the state up', async () => {
      const flow = await startClientFlow('alice');
      const redirect = await emulator.deny(flow.url);

      const callback = await http().get(callbackPathOf(redirect));

      expect(readPopupPage(callback).message).toEqual({ type: 'NYLAS_CONNECT_ERROR', error: 'access_denied' });
      const exchange = await http().post('/auth/nylas/exchange').set(USER_HEADER, 'alice').send({ code: 'any', state: flow.state });
      expect(exchange.body.error).toBe('state_already_used');
    });

    test('service exchange is usable without the routes', async () => {
      const clientFlows = ctx.app.get(NylasClientFlowService);
      const flow = await clientFlows.start({ userId: 'carol' });
      const code = new URL(await emulator.approve(flow.url, { email: 'carol@example.com' })).searchParams.get('code')!;

      const connection = await clientFlows.exchange('carol', { code, state: flow.state });

      expect(connection.userId).toBe('carol');
      expect(connection.grant.email).toBe('carol@example.com');
    });
  });
});

describe('popupOrigin option', () => {
  const base = { clientId: 'c', apiKey: 'k', callbackUri: 'https://app.example.com:8443/auth/nylas/callback' };

  test('defaults to the origin of callbackUri', () => {
    expect(resolveNylasConnectOptions(base).popupOrigin).toBe('https://app.example.com:8443');
  });

  test('accepts an origin and normalizes it', () => {
    expect(resolveNylasConnectOptions({ ...base, popupOrigin: 'https://APP.example.com:443' }).popupOrigin).toBe('https://app.example.com');
  });

  test.each(['*', 'null', 'app.example.com', 'https://app.example.com/', 'https://app.example.com/page', 'https://app.example.com?x=1', 'ftp://app.example.com', ''])(
    'rejects %j',
    (popupOrigin) => {
      expect(() => resolveNylasConnectOptions({ ...base, popupOrigin })).toThrow(InvalidNylasConnectOptionError);
      expect(() => resolveNylasConnectOptions({ ...base, popupOrigin })).toThrow(/popupOrigin/);
    },
  );
});

describe('pending-flow mode migration', () => {
  let db: TestDatabase;
  let dataSource: DataSource;

  beforeEach(async () => {
    db = await createTestDatabase();
  });

  afterEach(async () => {
    if (dataSource?.isInitialized) await dataSource.destroy();
    await db.drop();
  });

  test('gives flows pending at upgrade the redirect mode, and reverts', async () => {
    const earlier = NYLAS_CONNECT_MIGRATIONS.filter((migration) => migration !== AddPendingFlowMode1764979200000);
    dataSource = new DataSource({ ...db.options, entities: NYLAS_CONNECT_ENTITIES, migrations: earlier } as DataSourceOptions);
    await dataSource.initialize();
    await dataSource.runMigrations();
    await dataSource.query(
      'INSERT INTO nylas_pending_flows (state_hash, user_id, code_verifier, created_at, expires_at) VALUES (\'h1\', \'alice\', \'v\', 1, 2)',
    );
    await dataSource.destroy();

    dataSource = new DataSource({ ...db.options, entities: NYLAS_CONNECT_ENTITIES, migrations: NYLAS_CONNECT_MIGRATIONS } as DataSourceOptions);
    await dataSource.initialize();
    const applied = await dataSource.runMigrations();

    expect(applied.map((migration) => migration.name)).toEqual(['AddPendingFlowMode1764979200000']);
    const rows: Array<{ flow_mode: string }> = await dataSource.query('SELECT flow_mode FROM nylas_pending_flows');
    expect(rows).toEqual([{ flow_mode: 'redirect' }]);

    await dataSource.undoLastMigration();
    const table = await dataSource.createQueryRunner().getTable('nylas_pending_flows');
    expect(table?.findColumnByName('flow_mode')).toBeUndefined();
  });
});
