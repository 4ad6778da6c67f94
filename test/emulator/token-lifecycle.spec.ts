import type { NylasEmulator } from 'nylas-emulator';
import { APP, connect, OTHER_APP, postToken, requestJson, startEmulator, tokenInfo } from './emulator-test-helpers.js';

let emulator: NylasEmulator;

beforeAll(async () => {
  emulator = await startEmulator({ issuer: 'https://emulator.test' });
});

afterAll(async () => {
  await emulator.close();
});

beforeEach(() => {
  emulator.reset();
});

function refresh(refreshToken: string, extra: Record<string, string> = {}) {
  return postToken(emulator, {
    grant_type: 'refresh_token',
    client_id: APP.clientId,
    client_secret: APP.apiKey,
    refresh_token: refreshToken,
    ...extra,
  });
}

function revoke(token: string) {
  return requestJson(`${emulator.url}/v3/connect/revoke?token=${encodeURIComponent(token)}`, { method: 'POST' });
}

describe('refresh_token grant', () => {
  test('returns a new access token for the same grant', async () => {
    const tokens = await connect(emulator, { access_type: 'offline', scope: 'email' });
    const response = await refresh(tokens.refresh_token);

    expect(response.status).toBe(200);
    expect(response.body.access_token).not.toBe(tokens.access_token);
    expect(response.body.refresh_token).toBe(tokens.refresh_token);
    expect(response.body).toMatchObject({ grant_id: tokens.grant_id, email: 'user@example.com', scope: 'email', expires_in: 3600 });
    expect(emulator.stats().tokenExchanges.refreshToken).toBe(1);
  });

  test('old access token stays valid after refresh', async () => {
    const tokens = await connect(emulator, { access_type: 'offline' });
    await refresh(tokens.refresh_token);
    expect((await tokenInfo(emulator, 'access_token', tokens.access_token)).status).toBe(200);
  });

  test('JSON body works', async () => {
    const tokens = await connect(emulator, { access_type: 'offline' });
    const response = await postToken(
      emulator,
      { grant_type: 'refresh_token', client_id: APP.clientId, client_secret: APP.apiKey, refresh_token: tokens.refresh_token },
      { json: true },
    );
    expect(response.status).toBe(200);
  });

  test('missing secret is invalid_client', async () => {
    const tokens = await connect(emulator, { access_type: 'offline' });
    const response = await postToken(emulator, { grant_type: 'refresh_token', client_id: APP.clientId, refresh_token: tokens.refresh_token });
    expect(response.status).toBe(401);
    expect(response.body.error).toBe('invalid_client');
  });

  test('unknown refresh token is invalid_grant', async () => {
    const response = await refresh('nope');
    expect(response.status).toBe(400);
    expect(response.body.error).toBe('invalid_grant');
  });

  test('access token is not a refresh token', async () => {
    const tokens = await connect(emulator, { access_type: 'offline' });
    expect((await refresh(tokens.access_token)).body.error).toBe('invalid_grant');
  });

  test('refresh token of another client is invalid_grant', async () => {
    const tokens = await connect(emulator, { access_type: 'offline' });
    const response = await postToken(emulator, {
      grant_type: 'refresh_token',
      client_id: OTHER_APP.clientId,
      client_secret: OTHER_APP.apiKey,
      refresh_token: tokens.refresh_token,
    });
    expect(response.body.error).toBe('invalid_grant');
  });

  test('missing refresh_token is invalid_request', async () => {
    const response = await postToken(emulator, { grant_type: 'refresh_token', client_id: APP.clientId, client_secret: APP.apiKey });
    expect(response.body.error_description).toBe('Missing required parameter: refresh_token');
  });
});

describe('GET /v3/connect/tokeninfo', () => {
  test('access token info', async () => {
    const tokens = await connect(emulator);
    const response = await tokenInfo(emulator, 'access_token', tokens.access_token);

    expect(response.status).toBe(200);
    expect(typeof response.body.request_id).toBe('string');
    expect(response.body.data).toEqual({
      iss: 'https://emulator.test',
      aud: APP.clientId,
      sub: tokens.grant_id,
      email: 'user@example.com',
      iat: expect.any(Number),
      exp: expect.any(Number),
    });
    expect(response.body.data.exp - response.body.data.iat).toBe(3600);
  });

  test('ID token info', async () => {
    const tokens = await connect(emulator);
    const response = await tokenInfo(emulator, 'id_token', tokens.id_token);

    expect(response.status).toBe(200);
    expect(response.body.data).toMatchObject({ aud: APP.clientId, sub: tokens.grant_id, email: 'user@example.com' });
  });

  test('unknown token is invalid_token', async () => {
    const response = await tokenInfo(emulator, 'access_token', 'made-up');

    expect(response.status).toBe(400);
    expect(response.body).toEqual({
      error: 'invalid_token',
      error_description: 'Token expired or revoked',
      error_uri: 'developer.nylas.com/docs/api/errors/400-response/',
      error_code: 400,
    });
  });

  test('ID token passed as access token is invalid_token', async () => {
    const tokens = await connect(emulator);
    expect((await tokenInfo(emulator, 'access_token', tokens.id_token)).status).toBe(400);
  });

  test('both or neither token parameter is invalid_request', async () => {
    const neither = await requestJson(`${emulator.url}/v3/connect/tokeninfo`);
    const both = await requestJson(`${emulator.url}/v3/connect/tokeninfo?id_token=a&access_token=b`);

    expect(neither.body.error).toBe('invalid_request');
    expect(both.body.error).toBe('invalid_request');
  });

  test('expired access token is invalid_token', async () => {
    const shortLived = await startEmulator({ accessTokenTtlSeconds: 1 });
    try {
      const tokens = await connect(shortLived);
      expect(tokens.expires_in).toBe(1);
      await new Promise((resolve) => setTimeout(resolve, 1100));

      expect((await tokenInfo(shortLived, 'access_token', tokens.access_token)).body.error).toBe('invalid_token');
      expect((await tokenInfo(shortLived, 'id_token', tokens.id_token)).body.error).toBe('invalid_token');
    } finally {
      await shortLived.close();
    }
  });
});

describe('POST /v3/connect/revoke', () => {
  test('revoking an access token ends its family but keeps the grant', async () => {
    const tokens = await connect(emulator, { access_type: 'offline' });
    const response = await revoke(tokens.access_token);

    expect(response.status).toBe(200);
    expect(response.body).toEqual({});
    expect((await tokenInfo(emulator, 'access_token', tokens.access_token)).status).toBe(400);
    expect((await tokenInfo(emulator, 'id_token', tokens.id_token)).status).toBe(400);
    expect((await refresh(tokens.refresh_token)).body.error).toBe('invalid_grant');

    const grant = await requestJson(`${emulator.url}/v3/grants/${tokens.grant_id}`, { headers: { authorization: `Bearer ${APP.apiKey}` } });
    expect(grant.status).toBe(200);
  });

  test('revoking a refresh token ends the access tokens refreshed from it', async () => {
    const tokens = await connect(emulator, { access_type: 'offline' });
    const refreshed = await refresh(tokens.refresh_token);
    await revoke(tokens.refresh_token);

    expect((await tokenInfo(emulator, 'access_token', refreshed.body.access_token)).status).toBe(400);
    expect((await tokenInfo(emulator, 'access_token', tokens.access_token)).status).toBe(400);
  });

  test('revoking one family leaves another of the same grant', async () => {
    const first = await connect(emulator);
    const second = await connect(emulator);
    await revoke(first.access_token);

    expect(second.grant_id).toBe(first.grant_id);
    expect((await tokenInfo(emulator, 'access_token', second.access_token)).status).toBe(200);
  });

  test('unknown token still gets 200', async () => {
    const response = await revoke('unknown');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({});
  });

  test('token in a form body is accepted', async () => {
    const tokens = await connect(emulator);
    const response = await requestJson(`${emulator.url}/v3/connect/revoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: tokens.access_token }).toString(),
    });

    expect(response.status).toBe(200);
    expect((await tokenInfo(emulator, 'access_token', tokens.access_token)).status).toBe(400);
  });

  test('missing token is invalid_request', async () => {
    const response = await requestJson(`${emulator.url}/v3/connect/revoke`, { method: 'POST' });
    expect(response.status).toBe(400);
    expect(response.body.error_description).toBe('Missing required parameter: token');
  });
});
