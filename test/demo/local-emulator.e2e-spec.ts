import request from 'supertest';

import type { DemoConfig } from '../../src/config/demo-config.js';
import { NylasEndpoint, NYLAS_ENDPOINT } from '../../src/nylas/nylas-endpoint.js';
import { CALLBACK_URI, callbackPath, listGrants, signIn, startDemoApp, startFlow, type DemoTestApp } from './demo-test-app.js';

/** Builds a config without an API key, so the app starts its own emulator, as `npm start` does when NYLAS_API_KEY is unset. */
function localEmulatorConfig(): DemoConfig {
  return {
    host: '127.0.0.1',
    port: 0,
    databaseUrl: 'sqlite::memory:',
    session: { secret: 'test-session-secret-of-at-least-32-chars', secretGenerated: false, secureCookie: false },
    nylas: { mode: 'emulator', clientId: 'demo-client-id', apiKey: 'local-emulator-key', callbackUri: CALLBACK_URI, port: 0 },
  };
}

describe('app without NYLAS_API_KEY', () => {
  let demo: DemoTestApp;
  let endpoint: NylasEndpoint;

  beforeAll(async () => {
    demo = await startDemoApp(localEmulatorConfig());
    endpoint = demo.app.get<NylasEndpoint>(NYLAS_ENDPOINT);
  });

  afterAll(async () => {
    await demo?.close();
  });

  test('starts an emulator on 127.0.0.1', () => {
    expect(endpoint.emulator).toBeDefined();
    expect(endpoint.apiUri).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(endpoint.jwksUri).toBe(endpoint.emulator!.jwksUri);
    expect(endpoint.idTokenIssuer).toBe(endpoint.emulator!.issuer);
  });

  test('completes a flow against its own emulator', async () => {
    const emulator = endpoint.emulator!;
    const cookie = await signIn(demo.baseUrl, 'local');
    const authUrl = await startFlow(demo.baseUrl, cookie, { provider: 'microsoft' });
    expect(authUrl.startsWith(`${emulator.url}/v3/connect/auth?`)).toBe(true);

    const redirect = await emulator.approve(authUrl, { email: 'local@example.com', name: 'Local' });
    const callback = await request(demo.baseUrl).get(callbackPath(redirect)).redirects(0).expect(302);
    expect(callback.headers.location).toBe('/');

    const grants = await listGrants(demo.baseUrl, cookie);
    expect(grants).toEqual([expect.objectContaining({ email: 'local@example.com', provider: 'microsoft' })]);
  });
});

test('closing the app closes its emulator', async () => {
  const demo = await startDemoApp(localEmulatorConfig());
  const jwksUri = demo.app.get<NylasEndpoint>(NYLAS_ENDPOINT).jwksUri!;
  expect((await fetch(jwksUri)).status).toBe(200);

  await demo.close();

  await expect(fetch(jwksUri)).rejects.toThrow();
});
