import fc from 'fast-check';
import { NylasEmulator } from 'nylas-emulator';
import request from 'supertest';
import { DataSource } from 'typeorm';

import { approvedCallback, emulatorBackedConfig, EMULATOR_CLIENT, startDemoApp, type DemoTestApp } from '../demo/demo-test-app.js';

/** The only 5xx statuses allowed: the typed responses for a failing Nylas or database. */
const TYPED_5XX = new Set([502, 503, 504]);

/**
 * Property-based tests of the callback route: random and mutated query strings, headers and
 * token responses. Whatever comes in, the response is a clean 2xx, 3xx or 4xx, or one of the typed
 * Nylas-failure responses. No promise is left rejected, and no failed flow leaves a grant row.
 */
describe('callback fuzzing', () => {
  let emulator: NylasEmulator;
  let demo: DemoTestApp;
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);

  async function grantIds(): Promise<string[]> {
    const rows: Array<{ grant_id: string }> = await demo.app.get(DataSource).query('SELECT grant_id FROM nylas_grants');
    return rows.map((row) => row.grant_id);
  }

  beforeAll(async () => {
    process.on('unhandledRejection', onUnhandled);
    emulator = await NylasEmulator.start({ clients: [EMULATOR_CLIENT] });
    demo = await startDemoApp(emulatorBackedConfig(emulator), { nylas: { requestTimeoutMs: 1_000 } });
  });

  afterAll(async () => {
    await demo?.close();
    await emulator?.close();
    process.off('unhandledRejection', onUnhandled);
  });

  afterEach(() => {
    expect(unhandled).toEqual([]);
  });

  it('answers random query strings and headers without a 500 or a row', async () => {
    const queryValue = fc.oneof(fc.string(), fc.constantFrom('', '%', '%zz', '\u0000', 'a'.repeat(5000), 'access_denied', 'server_error'));
    const queryPair = fc.tuple(fc.constantFrom('code', 'state', 'error', 'error_description', 'returnTo', 'x'), queryValue);
    const headerValue = fc.stringMatching(/^[\x20-\x7e]{0,200}$/);

    await fc.assert(
      fc.asyncProperty(fc.array(queryPair, { maxLength: 6 }), fc.option(headerValue), fc.option(headerValue), async (pairs, forwardedHost, accept) => {
        const query = pairs.map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(value)}`).join('&');
        let req = request(demo.baseUrl).get(`/auth/nylas/callback?${query}`).redirects(0);
        if (forwardedHost !== null) req = req.set('X-Forwarded-Host', forwardedHost);
        if (accept !== null) req = req.set('Accept', accept);

        const response = await req;
        expect(response.status < 500 || TYPED_5XX.has(response.status)).toBe(true);
        expect(await grantIds()).toEqual([]);
      }),
      { numRuns: 150 },
    );
  });

  it('survives random raw query strings', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 300 }), async (raw) => {
        const path = `/auth/nylas/callback?${raw.replace(/[#\s]/g, '')}`;
        const response = await request(demo.baseUrl).get(path).set('Accept', 'application/json').redirects(0);
        expect(response.status < 500 || TYPED_5XX.has(response.status)).toBe(true);
      }),
      { numRuns: 150 },
    );
  });

  it('survives random token responses and links nothing', async () => {
    const validResponse = { access_token: 'at', expires_in: 3600, id_token: 'x.y.z', grant_id: 'g', scope: '', token_type: 'Bearer' };
    const mutated = fc.record(
      {
        access_token: fc.oneof(fc.string(), fc.integer(), fc.constant(null)),
        expires_in: fc.oneof(fc.integer(), fc.string(), fc.double(), fc.constant(null)),
        id_token: fc.oneof(fc.string(), fc.constant('not.a.jwt'), fc.constant(null)),
        grant_id: fc.oneof(fc.string(), fc.integer(), fc.constant(null)),
      },
      { requiredKeys: [] },
    );
    const body = fc.oneof(
      fc.json(),
      mutated.map((changes) => JSON.stringify({ ...validResponse, ...changes })),
      fc.string(),
    );
    const status = fc.constantFrom(200, 200, 200, 400, 401, 429, 500, 502, 503);
    let flow = 0;

    await fc.assert(
      fc.asyncProperty(body, status, async (fakeBody, fakeStatus) => {
        const { path } = await approvedCallback(demo.baseUrl, emulator, `fuzz-${flow++}`, `fuzz-${flow}@example.com`);
        emulator.clearFaults();
        emulator.injectFault('token', { status: fakeStatus, body: fakeBody, contentType: 'application/json', times: 1 });
        const before = await grantIds();

        const response = await request(demo.baseUrl).get(path).set('Accept', 'application/json').redirects(0);
        expect(response.status < 500 || TYPED_5XX.has(response.status)).toBe(true);
        // A faked response carries no ID token signed by the emulator, so no flow may succeed.
        expect(response.status).not.toBe(200);
        expect(await grantIds()).toEqual(before);
      }),
      { numRuns: 100 },
    );
  });
});
