import { NylasEmulator } from 'nylas-emulator';
import request from 'supertest';
import { DataSource } from 'typeorm';

import { emulatorBackedConfig, EMULATOR_CLIENT, signIn, startDemoApp, type DemoTestApp } from '../demo/demo-test-app.js';

const PER_USER = 5;
const TOTAL = 300;
// Long enough for the whole flood to happen within one lifetime on a slow machine.
const STATE_TTL_MS = 6_000;

/**
 * Starts that never come back must not grow the pending-flow table: each user keeps at most
 * `maxPendingFlowsPerUser`, the table at most `maxPendingFlows`, and expired flows are purged.
 * The same limits hold for any number of starts; this suite makes a few thousand over HTTP.
 */
describe('abandoned starts', () => {
  let emulator: NylasEmulator;
  let demo: DemoTestApp;

  async function pendingCount(where = '1 = 1'): Promise<number> {
    const rows: Array<{ n: number | string }> = await demo.app.get(DataSource).query(`SELECT COUNT(*) AS n FROM nylas_pending_flows WHERE ${where}`);
    return Number(rows[0].n);
  }

  beforeAll(async () => {
    emulator = await NylasEmulator.start({ clients: [EMULATOR_CLIENT] });
    demo = await startDemoApp(emulatorBackedConfig(emulator), {
      nylas: { maxPendingFlowsPerUser: PER_USER, maxPendingFlows: TOTAL, stateTtlMs: STATE_TTL_MS },
    });
  });

  afterAll(async () => {
    await demo?.close();
    await emulator?.close();
  });

  it('keeps flows bounded per user and in total, and purges expired ones', async () => {
    const agent = request.agent(demo.baseUrl);
    const start = (cookie: string) => agent.get('/auth/nylas').set('Cookie', cookie).set('Accept', 'application/json').redirects(0);

    // 40 users start 25 flows each: every user keeps only the newest five.
    for (let user = 0; user < 40; user++) {
      const cookie = await signIn(demo.baseUrl, `flooder-${user}`);
      for (let i = 0; i < 25; i++) expect((await start(cookie)).status).toBe(302);
    }
    expect(await pendingCount("user_id = 'flooder-0'")).toBe(PER_USER);
    expect(await pendingCount()).toBe(40 * PER_USER);

    // More users fill the table to its cap; then starts are refused with a stable code.
    const statuses: number[] = [];
    for (let user = 0; user < 60; user++) {
      const cookie = await signIn(demo.baseUrl, `crowd-${user}`);
      for (let i = 0; i < 3; i++) statuses.push((await start(cookie)).status);
    }
    expect(await pendingCount()).toBe(TOTAL);
    expect(statuses.filter((status) => status === 302)).toHaveLength(TOTAL - 40 * PER_USER);
    const refused = await start(await signIn(demo.baseUrl, 'late'));
    expect(refused.status).toBe(503);
    expect(refused.body.error).toBe('too_many_pending_flows');

    // Once they expire, the next start purges them all and succeeds.
    await new Promise((resolve) => setTimeout(resolve, STATE_TTL_MS + 100));
    expect((await start(await signIn(demo.baseUrl, 'after'))).status).toBe(302);
    expect(await pendingCount()).toBe(1);
  });
});

/**
 * A callback with an OAuth error and a valid state claims the flow without any consent at Nylas.
 * Claimed flows stay until they expire, so they must count against the per-user cap too, or one
 * user could fill the table with them.
 */
describe('claimed flows of one user', () => {
  const TABLE_CAP = 50;
  let emulator: NylasEmulator;
  let demo: DemoTestApp;

  beforeAll(async () => {
    emulator = await NylasEmulator.start({ clients: [EMULATOR_CLIENT] });
    demo = await startDemoApp(emulatorBackedConfig(emulator), { nylas: { maxPendingFlowsPerUser: PER_USER, maxPendingFlows: TABLE_CAP } });
  });

  afterAll(async () => {
    await demo?.close();
    await emulator?.close();
  });

  it('stay within the per-user cap', async () => {
    const cookie = await signIn(demo.baseUrl, 'claimer');
    for (let i = 0; i < TABLE_CAP + 10; i++) {
      const start = await request(demo.baseUrl).get('/auth/nylas').set('Cookie', cookie).redirects(0);
      expect(start.status).toBe(302);
      const state = new URL(start.headers.location).searchParams.get('state') ?? '';
      const callback = await request(demo.baseUrl).get('/auth/nylas/callback').query({ state, error: 'access_denied' }).set('Cookie', cookie).redirects(0);
      expect(callback.status).toBe(302);
    }

    const rows: Array<{ n: number | string }> = await demo.app.get(DataSource).query("SELECT COUNT(*) AS n FROM nylas_pending_flows WHERE user_id = 'claimer'");
    expect(Number(rows[0].n)).toBe(PER_USER);
    expect(emulator.stats().tokenExchanges.authorizationCode).toBe(0);
    const otherUser = await request(demo.baseUrl).get('/auth/nylas').set('Cookie', await signIn(demo.baseUrl, 'other')).redirects(0);
    expect(otherUser.status).toBe(302);
  });
});
