import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import type { NylasEmulator } from 'nylas-emulator';
import { APP, connect, OTHER_APP, readJson, startEmulator } from './emulator-test-helpers.js';

let emulator: NylasEmulator;

beforeAll(async () => {
  emulator = await startEmulator();
});

afterAll(async () => {
  await emulator.close();
});

function verify(idToken: string, audience = APP.clientId) {
  return jwtVerify(idToken, createRemoteJWKSet(new URL(emulator.jwksUri)), { issuer: emulator.issuer, audience });
}

describe('ID token', () => {
  test('verifies against the JWKS with issuer and audience', async () => {
    const tokens = await connect(emulator, { provider: 'microsoft' }, { email: 'ada@example.com', name: 'Ada King Lovelace' });
    const { payload, protectedHeader } = await verify(tokens.id_token);

    expect(protectedHeader.alg).toBe('RS256');
    expect(protectedHeader.kid).toEqual(expect.any(String));
    expect(payload).toEqual({
      iss: 'https://nylas.com',
      aud: APP.clientId,
      sub: tokens.grant_id,
      email: 'ada@example.com',
      email_verified: true,
      name: 'Ada King Lovelace',
      given_name: 'Ada',
      family_name: 'King Lovelace',
      provider: 'microsoft',
      iat: expect.any(Number),
      exp: expect.any(Number),
    });
    expect(payload.exp! - payload.iat!).toBe(3600);
  });

  test('non-ASCII name round-trips', async () => {
    const name = 'Zoë Ångström 山田';
    const tokens = await connect(emulator, {}, { email: 'zoe@example.com', name });
    const { payload } = await verify(tokens.id_token);

    expect(payload.name).toBe(name);
    expect(payload.given_name).toBe('Zoë');
    expect(payload.family_name).toBe('Ångström 山田');
  });

  test('without a name there are no name claims', async () => {
    const tokens = await connect(emulator, {}, { email: 'anon@example.com' });
    const { payload } = await verify(tokens.id_token);

    expect(payload).not.toHaveProperty('name');
    expect(payload).not.toHaveProperty('given_name');
    expect(payload).not.toHaveProperty('family_name');
    expect(payload.provider).toBe('google');
  });

  test('single-word name has only given_name', async () => {
    const tokens = await connect(emulator, {}, { email: 'plato@example.com', name: 'Plato' });
    const { payload } = await verify(tokens.id_token);

    expect(payload.given_name).toBe('Plato');
    expect(payload).not.toHaveProperty('family_name');
  });

  test('wrong audience fails verification', async () => {
    const tokens = await connect(emulator);
    await expect(verify(tokens.id_token, OTHER_APP.clientId)).rejects.toThrow(/aud/);
  });

  test('JWKS lists the signing key', async () => {
    const tokens = await connect(emulator);
    const response = await fetch(emulator.jwksUri);
    const jwks = await readJson(response);

    expect(response.status).toBe(200);
    expect(jwks.keys).toHaveLength(1);
    expect(jwks.keys[0]).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig', kid: decodeProtectedHeader(tokens.id_token).kid });
    expect(jwks.keys[0]).not.toHaveProperty('d');
  });

  test('custom issuer is used', async () => {
    const custom = await startEmulator({ issuer: 'https://issuer.test' });
    try {
      const tokens = await connect(custom);
      const { payload } = await jwtVerify(tokens.id_token, createRemoteJWKSet(new URL(custom.jwksUri)), {
        issuer: 'https://issuer.test',
        audience: APP.clientId,
      });
      expect(custom.issuer).toBe('https://issuer.test');
      expect(payload.iss).toBe('https://issuer.test');
    } finally {
      await custom.close();
    }
  });
});
