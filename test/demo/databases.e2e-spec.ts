import { randomBytes } from 'node:crypto';

import { NylasEmulator } from 'nylas-emulator';
import request from 'supertest';

import { approvedCallback, connectMailbox, emulatorBackedConfig, EMULATOR_CLIENT, listGrants, signIn, startDemoApp } from './demo-test-app.js';

/**
 * The demo on PostgreSQL, MySQL and MariaDB through the same DATABASE_URL parsing as `npm start`.
 * Each runs only when its variable names a database the test may write to, for example
 * DEMO_TEST_POSTGRES_URL=postgres://demo@127.0.0.1:5432/demo; otherwise it is skipped.
 */
const DATABASES = [
  ['PostgreSQL', process.env.DEMO_TEST_POSTGRES_URL],
  ['MySQL', process.env.DEMO_TEST_MYSQL_URL],
  ['MariaDB', process.env.DEMO_TEST_MARIADB_URL],
] as const;

let emulator: NylasEmulator;

beforeAll(async () => {
  emulator = await NylasEmulator.start({ clients: [EMULATOR_CLIENT] });
});

afterAll(async () => {
  await emulator?.close();
});

describe.each(DATABASES)('%s', (_name, databaseUrl) => {
  const run = databaseUrl ? test : test.skip;
  // The database outlives the test, so names are unique per run.
  const suffix = randomBytes(4).toString('hex');

  run('links, lists, rejects a replay and unlinks a grant', async () => {
    const demo = await startDemoApp({ ...emulatorBackedConfig(emulator), databaseUrl: databaseUrl! });
    try {
      const email = `db-${suffix}@example.com`;
      const { cookie, path } = await approvedCallback(demo.baseUrl, emulator, `db-${suffix}`, email);
      await request(demo.baseUrl).get(path).redirects(0).expect(302).expect('Location', '/');

      const grants = await listGrants(demo.baseUrl, cookie);
      expect(grants).toEqual([expect.objectContaining({ email, provider: 'google', status: 'valid' })]);
      expect(new Date(grants[0].expiresAt as string).getTime()).toBeGreaterThan(Date.now());

      const replay = await request(demo.baseUrl).get(path).set('Accept', 'application/json');
      expect(replay.status).toBe(400);

      await request(demo.baseUrl).delete(`/api/grants/${grants[0].grantId}`).set('Cookie', cookie).expect(204);
      expect(await listGrants(demo.baseUrl, cookie)).toEqual([]);
    } finally {
      await demo.close();
    }
  });

  run('keeps a grant with its first user', async () => {
    const demo = await startDemoApp({ ...emulatorBackedConfig(emulator), databaseUrl: databaseUrl! });
    try {
      const email = `shared-${suffix}@example.com`;
      const ownerCookie = await connectMailbox(demo.baseUrl, emulator, `owner-${suffix}`, email);
      const { path } = await approvedCallback(demo.baseUrl, emulator, `other-${suffix}`, email);

      const response = await request(demo.baseUrl).get(path).set('Accept', 'application/json');

      expect(response.status).toBe(409);
      expect(await listGrants(demo.baseUrl, ownerCookie)).toHaveLength(1);
      expect(await listGrants(demo.baseUrl, await signIn(demo.baseUrl, `other-${suffix}`))).toEqual([]);
    } finally {
      await demo.close();
    }
  });
});
