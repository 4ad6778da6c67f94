import { NylasInvalidGrantError, type ConnectResult } from 'nestjs-nylas-connect';
import { NylasEmulator } from 'nylas-emulator';

import { CALLBACK_URI, CLIENT_ID, useConnectTestApps, type ConnectTestApp } from '../support/connect-test-app.js';
import { errorOf } from '../support/error-of.js';

describe('NylasConnectService.callback', () => {
  const suite = useConnectTestApps();
  let emulator: NylasEmulator;
  let ctx: ConnectTestApp;

  beforeEach(async () => {
    emulator = suite.emulator;
    ctx = await suite.app();
  });

  async function approvedCallback(userId = 'alice', email = 'alice@example.com', name = 'Alice Example'): Promise<string> {
    const url = await ctx.service.getAuthUrl({ userId, provider: 'google' });
    return emulator.approve(url, { email, name });
  }

  it('builds the authorization URL with state and a Nylas S256 challenge', async () => {
    const started = await ctx.service.startFlow({ userId: 'alice', provider: 'google', loginHint: 'alice@example.com' });
    const url = new URL(started.url);

    expect(`${url.origin}${url.pathname}`).toBe(`${emulator.url}/v3/connect/auth`);
    expect(url.searchParams.get('client_id')).toBe(CLIENT_ID);
    expect(url.searchParams.get('redirect_uri')).toBe(CALLBACK_URI);
    expect(url.searchParams.get('response_type')).toBe('code');
    expect(url.searchParams.get('provider')).toBe('google');
    expect(url.searchParams.get('login_hint')).toBe('alice@example.com');
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    expect(url.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9+/]{86}$/);
    expect(url.searchParams.get('state')).toBe(started.state);
    expect(Buffer.from(started.state, 'base64url').length).toBeGreaterThanOrEqual(16);
  });

  it('stores state hash, hides verifier', async () => {
    const started = await ctx.service.startFlow({ userId: 'alice' });
    const rows: Array<Record<string, unknown>> = await ctx.dataSource.query('SELECT * FROM nylas_pending_flows');

    expect(rows).toHaveLength(1);
    expect(JSON.stringify(rows)).not.toContain(started.state);
    expect(started.url).not.toContain(String(rows[0].code_verifier));
  });

  it('returns exactly the documented ConnectResult and links the grant', async () => {
    const before = Date.now();
    const result = await ctx.service.callback(await approvedCallback());

    expect(Object.keys(result).sort()).toEqual(['accessToken', 'expiresAt', 'grantId', 'grantInfo', 'idToken', 'scope']);
    expect(result.accessToken).toEqual(expect.any(String));
    expect(result.idToken.split('.')).toHaveLength(3);
    expect(result.expiresAt).toBeGreaterThanOrEqual(before + 3600 * 1000);
    expect(result.expiresAt).toBeLessThan(Date.now() + 3601 * 1000);
    expect(result.grantInfo).toMatchObject({ id: result.grantId, email: 'alice@example.com', provider: 'google', name: 'Alice Example' });

    const linked = await ctx.grants.findForUser('alice');
    expect(linked).toHaveLength(1);
    expect(linked[0]).toMatchObject({ grantId: result.grantId, email: 'alice@example.com', provider: 'google', status: 'valid' });
    expect(emulator.stats().tokenExchanges.authorizationCode).toBe(1);
  });

  it('decodes non-ASCII names as UTF-8', async () => {
    const result = await ctx.service.callback(await approvedCallback('alice', 'zoe@example.com', 'Zoë Ångström 山田'));
    expect(result.grantInfo?.name).toBe('Zoë Ångström 山田');
  });

  it('writes no token to the database', async () => {
    const result = await ctx.service.callback(await approvedCallback());
    const dump = JSON.stringify([
      await ctx.dataSource.query('SELECT * FROM nylas_grants'),
      await ctx.dataSource.query('SELECT * FROM nylas_pending_flows'),
    ]);
    expect(dump).not.toContain(result.accessToken);
    expect(dump).not.toContain(result.idToken);
  });

  it('shares one exchange between two simultaneous identical callbacks', async () => {
    const url = await approvedCallback();
    const [first, second] = await Promise.all([ctx.service.callback(url), ctx.service.callback(url)]);

    expect(second).toEqual(first);
    expect(emulator.stats().tokenExchanges.authorizationCode).toBe(1);
    expect(await ctx.grants.findForUser('alice')).toHaveLength(1);
  });

  it('rejects a replayed callback without calling Nylas', async () => {
    const url = await approvedCallback();
    await ctx.service.callback(url);

    const error = await errorOf(ctx.service.callback(url));
    expect(error.code).toBe('state_already_used');
    expect(error.getStatus()).toBe(400);
    expect(emulator.stats().tokenExchanges.authorizationCode).toBe(1);
  });

  it('lets two flows of one user finish in either order', async () => {
    const urlA = await ctx.service.getAuthUrl({ userId: 'alice' });
    const urlB = await ctx.service.getAuthUrl({ userId: 'alice' });
    const callbackA = await emulator.approve(urlA, { email: 'a@example.com' });
    const callbackB = await emulator.approve(urlB, { email: 'b@example.com' });

    await ctx.service.callback(callbackB);
    await ctx.service.callback(callbackA);
    expect((await ctx.grants.findForUser('alice')).map((g) => g.email).sort()).toEqual(['a@example.com', 'b@example.com']);
  });

  it('updates the row in place when the same user reconnects a mailbox', async () => {
    const first = await ctx.service.callback(await approvedCallback());
    const second = await ctx.service.callback(await approvedCallback());

    expect(second.grantId).toBe(first.grantId);
    expect(await ctx.grants.findForUser('alice')).toHaveLength(1);
  });

  it('rejects a grant linked to another user and keeps the link', async () => {
    const aliceResult = await ctx.service.callback(await approvedCallback('alice', 'shared@example.com'));

    const error = await errorOf(ctx.service.callback(await approvedCallback('bob', 'shared@example.com')));
    expect(error.code).toBe('grant_linked_to_other_user');
    expect(error.getStatus()).toBe(409);
    expect((await ctx.grants.findForUser('alice'))[0].grantId).toBe(aliceResult.grantId);
    expect(await ctx.grants.findForUser('bob')).toHaveLength(0);
  });

  it('maps an error parameter to its typed error and uses up the state', async () => {
    const started = await ctx.service.startFlow({ userId: 'alice' });
    const denied = await emulator.deny(started.url);

    const error = await errorOf(ctx.service.callback(denied));
    expect(error.code).toBe('access_denied');
    expect(error.getStatus()).toBe(403);
    expect(JSON.stringify(error.getResponse())).not.toMatch(/description/i);
    expect(await ctx.dataSource.query('SELECT * FROM nylas_pending_flows WHERE claimed_at IS NULL')).toHaveLength(0);
    expect(emulator.stats().tokenExchanges.authorizationCode).toBe(0);
  });

  it('gives an unknown error value a generic code without echoing it', async () => {
    const error = await errorOf(ctx.service.callback(`${CALLBACK_URI}?error=%3Cscript%3E&state=x`));
    expect(error.code).toBe('oauth_error');
    expect(JSON.stringify(error.getResponse())).not.toContain('script');
  });

  it.each([
    ['neither code nor error', `${CALLBACK_URI}?foo=1`, 'missing_callback_parameters'],
    ['a code without state', `${CALLBACK_URI}?code=abc`, 'missing_state'],
    ['an unknown state', `${CALLBACK_URI}?code=abc&state=unknown`, 'state_not_found'],
    ['a repeated code', `${CALLBACK_URI}?code=a&code=b&state=s`, 'duplicate_callback_parameter'],
  ])('rejects %s', async (_case, url, code) => {
    const error = await errorOf(ctx.service.callback(url));
    expect(error.code).toBe(code);
    expect(error.getStatus()).toBe(400);
    expect(emulator.stats().tokenExchanges.authorizationCode).toBe(0);
  });

  it('maps a rejected code to invalid_grant', async () => {
    const url = new URL(await approvedCallback());
    url.searchParams.set('code', 'forged-code');

    const error = await errorOf(ctx.service.callback(url.toString()));
    expect(error).toBeInstanceOf(NylasInvalidGrantError);
    expect(error.getStatus()).toBe(400);
  });

  it.each([
    ['a 502 HTML page', { status: 502, body: '<html><body>Bad gateway secret-page</body></html>', contentType: 'text/html' }, 'nylas_unavailable', 502],
    ['a 500 JSON body', { status: 500, body: '{"message":"boom"}' }, 'nylas_unavailable', 502],
    ['a 429 with Retry-After', { status: 429, body: '{}', headers: { 'retry-after': '30' } }, 'nylas_rate_limited', 503],
    ['a 200 without grant_id', { status: 200, body: '{"access_token":"t","expires_in":3600,"id_token":"a.b.c"}' }, 'invalid_token_response', 502],
    ['a 200 without access_token', { status: 200, body: '{"grant_id":"g","expires_in":3600,"id_token":"a.b.c"}' }, 'invalid_token_response', 502],
    ['a 200 that is not JSON', { status: 200, body: 'ok', contentType: 'text/plain' }, 'invalid_token_response', 502],
    ['a 200 with a bad expires_in', { status: 200, body: '{"access_token":"t","grant_id":"g","expires_in":"soon","id_token":"a.b.c"}' }, 'invalid_token_response', 502],
    ['a dropped connection', { dropConnection: true }, 'nylas_unavailable', 502],
    ['a 200 with expires_in over a year', { status: 200, body: '{"access_token":"t","grant_id":"g","expires_in":9007199254740991,"id_token":"a.b.c"}' }, 'invalid_token_response', 502],
    ['a 200 with a grant_id over 255 characters', { status: 200, body: `{"access_token":"t","grant_id":"${'g'.repeat(256)}","expires_in":3600,"id_token":"a.b.c"}` }, 'invalid_token_response', 502],
  ])('maps %s from the token endpoint and stores nothing', async (_case, fault, code, status) => {
    const url = await approvedCallback();
    emulator.injectFault('token', fault);

    const error = await errorOf(ctx.service.callback(url));
    expect(error.code).toBe(code);
    expect(error.getStatus()).toBe(status);
    expect(JSON.stringify(error.getResponse())).not.toContain('secret-page');
    expect(await ctx.grants.findForUser('alice')).toHaveLength(0);
    expect(await ctx.dataSource.query('SELECT * FROM nylas_pending_flows WHERE claimed_at IS NULL')).toHaveLength(0);
  });

  it('reads Retry-After into the rate-limit error', async () => {
    const url = await approvedCallback();
    emulator.injectFault('token', { status: 429, body: '{}', headers: { 'retry-after': '30' } });

    const error = await errorOf(ctx.service.callback(url));
    expect((error as unknown as { retryAfterSeconds: number }).retryAfterSeconds).toBe(30);
  });

  it('times out a slow token endpoint within the timeout plus a second', async () => {
    ctx = await suite.app({ requestTimeoutMs: 300 });
    const url = await approvedCallback();
    emulator.injectFault('token', { delayMs: 3000 });

    const started = Date.now();
    const error = await errorOf(ctx.service.callback(url));
    expect(error.code).toBe('nylas_timeout');
    expect(error.getStatus()).toBe(504);
    expect(Date.now() - started).toBeLessThan(1300);
  });

  it('reports a refused connection as nylas_unavailable', async () => {
    const closed = await NylasEmulator.start();
    const deadUrl = closed.url;
    await closed.close();
    ctx = await suite.app({ apiUri: deadUrl });

    const started = await ctx.service.startFlow({ userId: 'alice' });
    const callbackUrl = await emulator.approve(started.url.replace(deadUrl, emulator.url), { email: 'alice@example.com' });
    const error = await errorOf(ctx.service.callback(callbackUrl));
    expect(error.code).toBe('nylas_unavailable');
  });

  it('rejects an expired state before calling Nylas', async () => {
    ctx = await suite.app({ stateTtlMs: 50 });
    const url = await approvedCallback();
    await new Promise((resolve) => setTimeout(resolve, 80));

    const error = await errorOf(ctx.service.callback(url));
    expect(error.code).toBe('state_expired');
    expect(emulator.stats().tokenExchanges.authorizationCode).toBe(0);
  });

  it('rejects an ID token from an unexpected issuer and links nothing', async () => {
    ctx = await suite.app({ idTokenIssuer: 'https://issuer.invalid' });

    const error = await errorOf(ctx.service.callback(await approvedCallback()));
    expect(error.code).toBe('invalid_id_token');
    expect(await ctx.grants.findForUser('alice')).toHaveLength(0);
  });

  it('reports an unreachable JWKS as a Nylas outage, not a bad token', async () => {
    const url = await approvedCallback();
    emulator.injectFault('jwks', { status: 503, body: 'down', contentType: 'text/plain' });

    const error = await errorOf(ctx.service.callback(url));
    expect(error.code).toBe('nylas_unavailable');
    expect(await ctx.grants.findForUser('alice')).toHaveLength(0);
  });

  it('checks the ID token claims without a JWKS', async () => {
    ctx = await suite.app({ jwksUri: undefined });
    const result: ConnectResult = await ctx.service.callback(await approvedCallback());
    expect(result.grantInfo?.email).toBe('alice@example.com');
  });

  it('keeps at most maxPendingFlowsPerUser flows per user', async () => {
    ctx = await suite.app({ maxPendingFlowsPerUser: 3 });
    const urls: string[] = [];
    for (let i = 0; i < 5; i++) urls.push(await ctx.service.getAuthUrl({ userId: 'alice' }));
    await ctx.service.getAuthUrl({ userId: 'bob' });

    const rows: Array<{ user_id: string }> = await ctx.dataSource.query('SELECT user_id FROM nylas_pending_flows');
    expect(rows.filter((row) => row.user_id === 'alice')).toHaveLength(3);
    expect(rows.filter((row) => row.user_id === 'bob')).toHaveLength(1);

    const newest = await ctx.service.callback(await emulator.approve(urls[4], { email: 'alice@example.com' }));
    expect(newest.grantId).toEqual(expect.any(String));
    const oldest = await errorOf(ctx.service.callback(await emulator.approve(urls[0], { email: 'alice@example.com' })));
    expect(oldest.code).toBe('state_not_found');
  });

  it('answers 503 when linking fails, leaves no row, and a new start works', async () => {
    const url = await approvedCallback();
    await ctx.dataSource.query('ALTER TABLE nylas_grants RENAME TO nylas_grants_away');

    const error = await errorOf(ctx.service.callback(url));
    expect(error.code).toBe('storage_unavailable');
    expect(error.getStatus()).toBe(503);

    await ctx.dataSource.query('ALTER TABLE nylas_grants_away RENAME TO nylas_grants');
    expect(await ctx.grants.findForUser('alice')).toHaveLength(0);
    await ctx.service.callback(await approvedCallback());
    expect(await ctx.grants.findForUser('alice')).toHaveLength(1);
  });
});
