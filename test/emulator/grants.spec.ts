import type { NylasEmulator } from 'nylas-emulator';
import { APP, connect, OTHER_APP, postToken, requestJson, startEmulator, tokenInfo } from './emulator-test-helpers.js';

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

/** Sends a grants API request; a null `apiKey` sends no Authorization header. */
function grantRequest(grantId: string, apiKey: string | null = APP.apiKey, method = 'GET') {
  const headers: Record<string, string> = apiKey === null ? {} : { authorization: `Bearer ${apiKey}` };
  return requestJson(`${emulator.url}/v3/grants/${encodeURIComponent(grantId)}`, { method, headers });
}

describe('GET /v3/grants/{id}', () => {
  test('returns the grant object', async () => {
    const tokens = await connect(
      emulator,
      { provider: 'google', scope: 'email calendar', state: 'user-42', credential_id: 'cred-1' },
      { email: 'user@example.com', name: 'Ada Lovelace' },
    );
    const response = await grantRequest(tokens.grant_id);

    expect(response.status).toBe(200);
    expect(response.body.request_id).toBe(response.headers.get('x-request-id'));
    expect(response.body.data).toEqual({
      id: tokens.grant_id,
      provider: 'google',
      grant_status: 'valid',
      email: 'user@example.com',
      name: 'Ada Lovelace',
      scope: ['email', 'calendar'],
      created_at: expect.any(Number),
      updated_at: expect.any(Number),
      state: 'user-42',
      provider_user_id: expect.stringMatching(/^\d+$/),
      settings: {},
      credential_id: 'cred-1',
      blocked: false,
    });
    expect(Math.abs(response.body.data.created_at - Date.now() / 1000)).toBeLessThan(5);
  });

  test('missing API key is 401', async () => {
    const tokens = await connect(emulator);
    const response = await grantRequest(tokens.grant_id, null);

    expect(response.status).toBe(401);
    expect(response.body).toEqual({
      request_id: expect.any(String),
      error: { type: 'authentication_error', message: 'Missing API key: send Authorization: Bearer <api key>' },
    });
  });

  test('wrong API key is 401', async () => {
    const tokens = await connect(emulator);
    const response = await grantRequest(tokens.grant_id, 'wrong-key');
    expect(response.status).toBe(401);
    expect(response.body.error.message).toBe('Invalid API key');
  });

  test('grant of another application is not found', async () => {
    const tokens = await connect(emulator);
    const response = await grantRequest(tokens.grant_id, OTHER_APP.apiKey);
    expect(response.status).toBe(404);
  });

  test('unknown grant is 404 with the Nylas error shape', async () => {
    const response = await grantRequest('00000000-0000-0000-0000-000000000000');

    expect(response.status).toBe(404);
    expect(response.body).toEqual({
      request_id: expect.any(String),
      error: { type: 'not_found_error', message: 'Grant "00000000-0000-0000-0000-000000000000" not found' },
    });
  });
});

describe('DELETE /v3/grants/{id}', () => {
  test('deletes the grant and revokes its tokens', async () => {
    const tokens = await connect(emulator, { access_type: 'offline' });
    const response = await grantRequest(tokens.grant_id, APP.apiKey, 'DELETE');

    expect(response.status).toBe(200);
    expect(response.body).toEqual({ request_id: expect.any(String) });
    expect((await grantRequest(tokens.grant_id)).status).toBe(404);
    expect((await tokenInfo(emulator, 'access_token', tokens.access_token)).status).toBe(400);
    expect(emulator.stats().grants).toBe(0);

    const refreshed = await postToken(emulator, {
      grant_type: 'refresh_token',
      client_id: APP.clientId,
      client_secret: APP.apiKey,
      refresh_token: tokens.refresh_token,
    });
    expect(refreshed.body.error).toBe('invalid_grant');
  });

  test('reconnecting after delete creates a new grant', async () => {
    const first = await connect(emulator);
    await grantRequest(first.grant_id, APP.apiKey, 'DELETE');
    const second = await connect(emulator);
    expect(second.grant_id).not.toBe(first.grant_id);
  });

  test('another application cannot delete the grant', async () => {
    const tokens = await connect(emulator);
    expect((await grantRequest(tokens.grant_id, OTHER_APP.apiKey, 'DELETE')).status).toBe(404);
    expect((await grantRequest(tokens.grant_id)).status).toBe(200);
  });
});

describe('expired grants', () => {
  test('invalidateGrant marks the grant invalid until reconnect', async () => {
    const tokens = await connect(emulator, { access_type: 'offline' });
    expect(emulator.invalidateGrant(tokens.grant_id)).toBe(true);

    expect((await grantRequest(tokens.grant_id)).body.data.grant_status).toBe('invalid');
    expect((await tokenInfo(emulator, 'access_token', tokens.access_token)).status).toBe(400);

    const again = await connect(emulator);
    expect(again.grant_id).toBe(tokens.grant_id);
    expect((await grantRequest(tokens.grant_id)).body.data.grant_status).toBe('valid');
  });

  test('control API invalidates a grant', async () => {
    const tokens = await connect(emulator);
    const response = await fetch(`${emulator.url}/__emulator/grants/${tokens.grant_id}/invalidate`, { method: 'POST' });

    expect(response.status).toBe(204);
    expect((await grantRequest(tokens.grant_id)).body.data.grant_status).toBe('invalid');
    expect(emulator.invalidateGrant('unknown')).toBe(false);
  });
});
