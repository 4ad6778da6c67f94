/**
 * Drives the emulator with the official Nylas Node SDK (`nylas` 8.4.0), a client written by Nylas,
 * so that the emulator accepts exactly what that client sends and returns what it parses.
 */
import NylasDefaultExport, { NylasApiError, NylasOAuthError } from 'nylas';
import type { NylasEmulator } from 'nylas-emulator';
import { APP, REDIRECT_URI, startEmulator } from './emulator-test-helpers.js';

// nylas 8.4.0 ships its .d.ts files as CommonJS while Node and Jest load lib/esm, so under
// `module: nodenext` TypeScript types the default import as the whole module. At run time it is the
// Nylas class, which the module type calls `default`.
const Nylas = NylasDefaultExport as unknown as typeof NylasDefaultExport.default;

let emulator: NylasEmulator;
let nylas: InstanceType<typeof Nylas>;

beforeAll(async () => {
  emulator = await startEmulator();
  nylas = new Nylas({ apiKey: APP.apiKey, apiUri: emulator.url, timeout: 5 });
});

afterAll(async () => {
  await emulator.close();
});

beforeEach(() => {
  emulator.reset();
});

function codeFrom(location: string): string {
  const code = new URL(location).searchParams.get('code');
  expect(code).not.toBeNull();
  return code!;
}

describe('official Nylas Node SDK', () => {
  test('PKCE flow exchanges the code', async () => {
    const { url, secret, secretHash } = nylas.auth.urlForOAuth2PKCE({
      clientId: APP.clientId,
      redirectUri: REDIRECT_URI,
      provider: 'google',
      scope: ['email', 'calendar'],
      state: 'sdk-state',
      loginHint: 'sdk@example.com',
    });
    expect(new URL(url).searchParams.get('code_challenge_method')).toBe('s256');
    expect(new URL(url).searchParams.get('code_challenge')).toBe(secretHash);

    const location = await emulator.approve(url, { email: 'sdk@example.com', name: 'Sdk User' });
    expect(new URL(location).searchParams.get('state')).toBe('sdk-state');

    const tokens = await nylas.auth.exchangeCodeForToken({
      clientId: APP.clientId,
      redirectUri: REDIRECT_URI,
      code: codeFrom(location),
      codeVerifier: secret,
    });
    expect(tokens.grantId).toMatch(/^[0-9a-f-]{36}$/);
    expect(tokens.email).toBe('sdk@example.com');
    expect(tokens.scope).toBe('email calendar');
    expect(tokens.tokenType).toBe('Bearer');
    expect(tokens.provider).toBe('google');
    expect(tokens.expiresIn).toBe(3600);
  });

  test('PKCE verifier of another flow is rejected', async () => {
    const first = nylas.auth.urlForOAuth2PKCE({ clientId: APP.clientId, redirectUri: REDIRECT_URI });
    const second = nylas.auth.urlForOAuth2PKCE({ clientId: APP.clientId, redirectUri: REDIRECT_URI });
    const code = codeFrom(await emulator.approve(first.url, { email: 'sdk@example.com' }));

    const exchange = nylas.auth.exchangeCodeForToken({
      clientId: APP.clientId,
      redirectUri: REDIRECT_URI,
      code,
      codeVerifier: second.secret,
    });
    await expect(exchange).rejects.toBeInstanceOf(NylasOAuthError);
    await expect(exchange).rejects.toMatchObject({ error: 'invalid_grant', errorDescription: 'Code verifier challenge failed', statusCode: 400 });
  });

  test('plain OAuth flow with offline access and refresh', async () => {
    const url = nylas.auth.urlForOAuth2({
      clientId: APP.clientId,
      redirectUri: REDIRECT_URI,
      accessType: 'offline',
      includeGrantScopes: true,
      smtpRequired: true,
    });
    const code = codeFrom(await emulator.approve(url, { email: 'sdk@example.com' }));

    const tokens = await nylas.auth.exchangeCodeForToken({ clientId: APP.clientId, redirectUri: REDIRECT_URI, code });
    expect(tokens.refreshToken).toEqual(expect.any(String));

    const refreshed = await nylas.auth.refreshAccessToken({
      clientId: APP.clientId,
      redirectUri: REDIRECT_URI,
      refreshToken: tokens.refreshToken!,
    });
    expect(refreshed.grantId).toBe(tokens.grantId);
    expect(refreshed.accessToken).not.toBe(tokens.accessToken);
  });

  test('reused code raises NylasOAuthError', async () => {
    const url = nylas.auth.urlForOAuth2({ clientId: APP.clientId, redirectUri: REDIRECT_URI });
    const code = codeFrom(await emulator.approve(url, { email: 'sdk@example.com' }));
    await nylas.auth.exchangeCodeForToken({ clientId: APP.clientId, redirectUri: REDIRECT_URI, code });

    const replay = nylas.auth.exchangeCodeForToken({ clientId: APP.clientId, redirectUri: REDIRECT_URI, code });
    await expect(replay).rejects.toMatchObject({
      error: 'invalid_grant',
      errorCode: 400,
      errorUri: 'developer.nylas.com/docs/api/errors/400-response/',
    });
  });

  test('token info, grants and revoke', async () => {
    const url = nylas.auth.urlForOAuth2({ clientId: APP.clientId, redirectUri: REDIRECT_URI, state: 'linked-user' });
    const code = codeFrom(await emulator.approve(url, { email: 'sdk@example.com', name: 'Sdk User' }));
    const tokens = await nylas.auth.exchangeCodeForToken({ clientId: APP.clientId, redirectUri: REDIRECT_URI, code });

    const idInfo = await nylas.auth.idTokenInfo(tokens.idToken!);
    expect(idInfo.data).toMatchObject({ sub: tokens.grantId, aud: APP.clientId, email: 'sdk@example.com' });
    const accessInfo = await nylas.auth.accessTokenInfo(tokens.accessToken);
    expect(accessInfo.data.sub).toBe(tokens.grantId);

    const grant = await nylas.grants.find({ grantId: tokens.grantId });
    expect(grant.data).toMatchObject({ id: tokens.grantId, grantStatus: 'valid', email: 'sdk@example.com', state: 'linked-user' });
    expect(grant.requestId).toEqual(expect.any(String));

    expect(await nylas.auth.revoke(tokens.accessToken)).toBe(true);
    await expect(nylas.auth.accessTokenInfo(tokens.accessToken)).rejects.toMatchObject({ statusCode: 400 });

    await nylas.grants.destroy({ grantId: tokens.grantId });
    const missing = nylas.grants.find({ grantId: tokens.grantId });
    await expect(missing).rejects.toBeInstanceOf(NylasApiError);
    await expect(missing).rejects.toMatchObject({ statusCode: 404, type: 'not_found_error' });
  });

  test('request id reaches SDK errors', async () => {
    const failure = await nylas.grants.find({ grantId: 'unknown' }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(NylasApiError);
    expect((failure as NylasApiError).requestId).toEqual(expect.any(String));
  });
});
