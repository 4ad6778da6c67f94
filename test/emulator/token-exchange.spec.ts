import type { NylasEmulator } from 'nylas-emulator';
import { request as httpRequest } from 'node:http';
import {
  APP,
  authUrl,
  obtainCode,
  OTHER_APP,
  postToken,
  readJson,
  REDIRECT_URI,
  startEmulator,
  tokenInfo,
} from './emulator-test-helpers.js';

const NYLAS_CHALLENGE_OF_NYLAS = 'ZTk2YmY2Njg2YTNjMzUxMGU5ZTkyN2RiNzA2OWNiMWNiYTliOTliMDIyZjQ5NDgzYTZjZTMyNzA4MDllNjhhMg';
const RFC7636_CHALLENGE_OF_NYLAS = '6Wv2aGo8NRDp6SfbcGnLHLqbmbAi9JSDps4ycICeaKI';

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

function codeRequest(code: string, extra: Record<string, string> = {}): Record<string, string> {
  return { grant_type: 'authorization_code', client_id: APP.clientId, code, redirect_uri: REDIRECT_URI, ...extra };
}

describe('authorization_code with client secret', () => {
  test('form body returns the Nylas token response', async () => {
    const code = await obtainCode(emulator, { scope: 'email calendar', provider: 'microsoft' }, { email: 'user@example.com' });
    const response = await postToken(emulator, codeRequest(code, { client_secret: APP.apiKey }));

    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(Object.keys(response.body)).toEqual([
      'access_token',
      'expires_in',
      'id_token',
      'email',
      'scope',
      'token_type',
      'grant_id',
      'provider',
    ]);
    expect(response.body).toMatchObject({
      expires_in: 3600,
      email: 'user@example.com',
      scope: 'email calendar',
      token_type: 'Bearer',
      provider: 'microsoft',
    });
    expect(response.body.grant_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(response.body.id_token.split('.')).toHaveLength(3);
  });

  test('JSON body with offline access returns a refresh token', async () => {
    const code = await obtainCode(emulator, { access_type: 'offline' });
    const response = await postToken(emulator, codeRequest(code, { client_secret: APP.apiKey }), { json: true });

    expect(response.status).toBe(200);
    expect(typeof response.body.refresh_token).toBe('string');
    expect(response.body.refresh_token).not.toBe(response.body.access_token);
  });

  test('scope with plus and %20 separators', async () => {
    const url = `${authUrl(emulator)}&scope=email+calendar%20contacts`;
    const location = new URL(await emulator.approve(url, { email: 'user@example.com' }));
    const response = await postToken(emulator, codeRequest(location.searchParams.get('code')!, { client_secret: APP.apiKey }));

    expect(response.body.scope).toBe('email calendar contacts');
  });

  test('Bearer API key counts as the secret', async () => {
    const code = await obtainCode(emulator);
    const response = await postToken(emulator, codeRequest(code), { headers: { authorization: `Bearer ${APP.apiKey}` } });
    expect(response.status).toBe(200);
  });

  test('HTTP Basic credentials count as the secret', async () => {
    const code = await obtainCode(emulator);
    const basic = Buffer.from(`${APP.clientId}:${APP.apiKey}`).toString('base64');
    const { client_id: _clientId, ...withoutClientId } = codeRequest(code);
    const response = await postToken(emulator, withoutClientId, { headers: { authorization: `Basic ${basic}` } });
    expect(response.status).toBe(200);
  });

  test('wrong secret is invalid_client with 401', async () => {
    const code = await obtainCode(emulator);
    const response = await postToken(emulator, codeRequest(code, { client_secret: 'wrong' }));

    expect(response.status).toBe(401);
    expect(response.body).toEqual({
      error: 'invalid_client',
      error_description: `Client authentication failed: the client_secret is not the API key of client ${APP.clientId}`,
      error_uri: 'developer.nylas.com/docs/api/errors/400-response/',
      error_code: 401,
    });
  });

  test('wrong secret leaves the code usable', async () => {
    const code = await obtainCode(emulator);
    await postToken(emulator, codeRequest(code, { client_secret: 'wrong' }));
    const retry = await postToken(emulator, codeRequest(code, { client_secret: APP.apiKey }));
    expect(retry.status).toBe(200);
  });

  test('API key of another client is invalid_client', async () => {
    const code = await obtainCode(emulator);
    const response = await postToken(emulator, codeRequest(code, { client_secret: OTHER_APP.apiKey }));
    expect(response.status).toBe(401);
    expect(response.body.error).toBe('invalid_client');
  });

  test('unknown client is invalid_client', async () => {
    const code = await obtainCode(emulator);
    const response = await postToken(emulator, codeRequest(code, { client_id: 'nobody', client_secret: 'x' }));
    expect(response.status).toBe(401);
    expect(response.body.error).toBe('invalid_client');
  });

  test('no secret and no PKCE is invalid_client', async () => {
    const code = await obtainCode(emulator);
    const response = await postToken(emulator, codeRequest(code));
    expect(response.status).toBe(401);
    expect(response.body.error).toBe('invalid_client');
  });

  test('verifier for a code without challenge is invalid_grant', async () => {
    const code = await obtainCode(emulator);
    const response = await postToken(emulator, codeRequest(code, { client_secret: APP.apiKey, code_verifier: 'nylas' }));
    expect(response.status).toBe(400);
    expect(response.body.error).toBe('invalid_grant');
  });
});

describe('authorization_code with PKCE', () => {
  test('Nylas S256 golden vector succeeds without a secret', async () => {
    const code = await obtainCode(emulator, { code_challenge: NYLAS_CHALLENGE_OF_NYLAS, code_challenge_method: 'S256' });
    const response = await postToken(emulator, codeRequest(code, { code_verifier: 'nylas' }));
    expect(response.status).toBe(200);
  });

  test('lowercase s256 method succeeds', async () => {
    const code = await obtainCode(emulator, { code_challenge: NYLAS_CHALLENGE_OF_NYLAS, code_challenge_method: 's256' });
    const response = await postToken(emulator, codeRequest(code, { code_verifier: 'nylas' }), { json: true });
    expect(response.status).toBe(200);
  });

  test('RFC 7636 challenge fails verification', async () => {
    const code = await obtainCode(emulator, { code_challenge: RFC7636_CHALLENGE_OF_NYLAS, code_challenge_method: 'S256' });
    const response = await postToken(emulator, codeRequest(code, { code_verifier: 'nylas' }));

    expect(response.status).toBe(400);
    expect(response.body.error).toBe('invalid_grant');
    expect(response.body.error_description).toBe('Code verifier challenge failed');
  });

  test('plain method compares the verifier', async () => {
    const verifier = 'a-plain-verifier-that-is-long-enough-for-rfc-7636';
    const code = await obtainCode(emulator, { code_challenge: verifier });
    expect((await postToken(emulator, codeRequest(code, { code_verifier: verifier }))).status).toBe(200);

    const other = await obtainCode(emulator, { code_challenge: verifier, code_challenge_method: 'plain' });
    const wrong = await postToken(emulator, codeRequest(other, { code_verifier: `${verifier}x` }));
    expect(wrong.body.error_description).toBe('Code verifier challenge failed');
  });

  test('verifier is required even with a correct secret', async () => {
    const code = await obtainCode(emulator, { code_challenge: NYLAS_CHALLENGE_OF_NYLAS, code_challenge_method: 'S256' });
    const response = await postToken(emulator, codeRequest(code, { client_secret: APP.apiKey }));

    expect(response.status).toBe(400);
    expect(response.body.error).toBe('invalid_request');
    expect(response.body.error_description).toBe('Missing required parameter: code_verifier');
  });

  test('wrong verifier fails even with a correct secret', async () => {
    const code = await obtainCode(emulator, { code_challenge: NYLAS_CHALLENGE_OF_NYLAS, code_challenge_method: 'S256' });
    const response = await postToken(emulator, codeRequest(code, { client_secret: APP.apiKey, code_verifier: 'other' }));
    expect(response.body.error_description).toBe('Code verifier challenge failed');
  });

  test('failed verifier burns the code', async () => {
    const code = await obtainCode(emulator, { code_challenge: NYLAS_CHALLENGE_OF_NYLAS, code_challenge_method: 'S256' });
    await postToken(emulator, codeRequest(code, { code_verifier: 'guess' }));
    const retry = await postToken(emulator, codeRequest(code, { code_verifier: 'nylas' }));

    expect(retry.status).toBe(400);
    expect(retry.body.error_description).toBe('Authorization code has already been used');
  });
});

describe('authorization code lifecycle', () => {
  test('second use is invalid_grant and revokes the first tokens', async () => {
    const code = await obtainCode(emulator, { access_type: 'offline' });
    const first = await postToken(emulator, codeRequest(code, { client_secret: APP.apiKey }));
    expect((await tokenInfo(emulator, 'access_token', first.body.access_token)).status).toBe(200);

    const second = await postToken(emulator, codeRequest(code, { client_secret: APP.apiKey }));
    expect(second.status).toBe(400);
    expect(second.body.error).toBe('invalid_grant');
    expect(second.body.error_description).toBe('Authorization code has already been used');

    expect((await tokenInfo(emulator, 'access_token', first.body.access_token)).status).toBe(400);
    expect((await tokenInfo(emulator, 'id_token', first.body.id_token)).status).toBe(400);
    const refresh = await postToken(emulator, {
      grant_type: 'refresh_token',
      client_id: APP.clientId,
      client_secret: APP.apiKey,
      refresh_token: first.body.refresh_token,
    });
    expect(refresh.body.error).toBe('invalid_grant');
  });

  test('expired code is invalid_grant', async () => {
    const shortLived = await startEmulator({ codeTtlMs: 30 });
    try {
      const code = await obtainCode(shortLived);
      await new Promise((resolve) => setTimeout(resolve, 60));
      const response = await postToken(shortLived, codeRequest(code, { client_secret: APP.apiKey }));

      expect(response.status).toBe(400);
      expect(response.body.error).toBe('invalid_grant');
      expect(response.body.error_description).toBe('Authorization code has expired');
    } finally {
      await shortLived.close();
    }
  });

  test('redirect_uri mismatch is invalid_grant', async () => {
    const code = await obtainCode(emulator);
    const response = await postToken(
      emulator,
      codeRequest(code, { client_secret: APP.apiKey, redirect_uri: 'http://localhost:3000/callback?tenant=acme' }),
    );
    expect(response.status).toBe(400);
    expect(response.body.error).toBe('invalid_grant');
    expect(response.body.error_description).toContain('redirect_uri does not match');
  });

  test('unknown code is invalid_grant', async () => {
    const response = await postToken(emulator, codeRequest('made-up', { client_secret: APP.apiKey }));
    expect(response.body.error).toBe('invalid_grant');
  });

  test('code of another client stays usable for its owner', async () => {
    const code = await obtainCode(emulator);
    const stolen = await postToken(emulator, codeRequest(code, { client_id: OTHER_APP.clientId, client_secret: OTHER_APP.apiKey }));
    expect(stolen.body.error).toBe('invalid_grant');

    const owner = await postToken(emulator, codeRequest(code, { client_secret: APP.apiKey }));
    expect(owner.status).toBe(200);
  });
});

describe('token request validation', () => {
  test.each(['code', 'redirect_uri', 'grant_type'])('missing %s is invalid_request', async (name) => {
    const params = codeRequest('some-code', { client_secret: APP.apiKey });
    delete params[name];
    const response = await postToken(emulator, params);

    expect(response.status).toBe(400);
    expect(response.body).toEqual({
      error: 'invalid_request',
      error_description: `Missing required parameter: ${name}`,
      error_uri: 'developer.nylas.com/docs/api/errors/400-response/',
      error_code: 400,
    });
  });

  test('missing client_id is invalid_request', async () => {
    const response = await postToken(emulator, { grant_type: 'authorization_code', code: 'c', redirect_uri: REDIRECT_URI });
    expect(response.body.error_description).toBe('Missing required parameter: client_id');
  });

  test('unsupported grant_type', async () => {
    const response = await postToken(emulator, { grant_type: 'password', client_id: APP.clientId });
    expect(response.status).toBe(400);
    expect(response.body.error).toBe('unsupported_grant_type');
  });

  test('duplicate form parameter is invalid_request', async () => {
    const response = await fetch(`${emulator.url}/v3/connect/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=authorization_code&code=a&code=b',
    });
    expect(response.status).toBe(400);
    expect((await readJson(response)).error_description).toBe('Duplicate parameter: code');
  });

  test('malformed JSON is invalid_request', async () => {
    const response = await fetch(`${emulator.url}/v3/connect/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"grant_type":',
    });
    expect(response.status).toBe(400);
    expect(await readJson(response)).toMatchObject({ error: 'invalid_request', error_description: 'Request body is not valid JSON' });
  });

  test('JSON array body is invalid_request', async () => {
    const response = await fetch(`${emulator.url}/v3/connect/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '["grant_type"]',
    });
    expect(response.status).toBe(400);
  });

  test('unsupported content type is 415', async () => {
    const response = await fetch(`${emulator.url}/v3/connect/token`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: 'grant_type=authorization_code',
    });
    expect(response.status).toBe(415);
    expect((await readJson(response)).error).toBe('invalid_request');
  });

  test('body over 64 KiB is 413', async () => {
    const response = await fetch(`${emulator.url}/v3/connect/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `grant_type=authorization_code&code=${'a'.repeat(70 * 1024)}`,
    });
    expect(response.status).toBe(413);
    expect((await readJson(response)).error_code).toBe(413);
  });

  test('chunked body over 64 KiB is 413', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const request = httpRequest(`${emulator.url}/v3/connect/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      request.on('response', (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      });
      request.on('error', reject);
      request.write(`code=${'a'.repeat(40 * 1024)}`);
      request.end('a'.repeat(40 * 1024));
    });
    expect(status).toBe(413);
  });

  test('failed and successful exchanges are counted', async () => {
    const code = await obtainCode(emulator, { access_type: 'offline' });
    const tokens = await postToken(emulator, codeRequest(code, { client_secret: APP.apiKey }));
    await postToken(emulator, codeRequest(code, { client_secret: APP.apiKey }));
    await postToken(emulator, { grant_type: 'password' });
    await postToken(emulator, {
      grant_type: 'refresh_token',
      client_id: APP.clientId,
      client_secret: APP.apiKey,
      refresh_token: 'unknown',
    });
    expect(tokens.status).toBe(200);

    expect(emulator.stats().tokenExchanges).toEqual({ authorizationCode: 1, refreshToken: 0, failed: 3 });
    expect(emulator.stats().requests.token).toBe(4);
  });
});
