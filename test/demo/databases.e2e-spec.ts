import { randomBytes } from 'node:crypto';

import { NylasEmulator } from 'nylas-emulator';
import request from 'supertest';

import { createTestDatabase, testDatabaseKind, type TestDatabase } from '../support/test-database.js';
import { approvedCallback, connectMailbox, emulatorBackedConfig, EMULATOR_CLIENT, listGrants, signIn, startDemoApp } from './demo-test-app.js';

/**
 * The demo on the database server that `DATABASE_URL` names (PostgreSQL, MySQL or MariaDB),
 * through the same DATABASE_URL parsing as `npm start`, each test in a fresh schema or database.
 * Skipped when `DATABASE_URL` is unset or names SQLite, which the other demo suites cover.
 */
const kind = testDatabaseKind();
const DATABASES = [[kind, kind === 'sqlite' ? undefined : process.env.DATABASE_URL]] as const;

let emulator: NylasEmulator;
let database: TestDatabase | undefined;

beforeAll(async () => {
  emulator = await NylasEmulator.start({ clients: [EMULATOR_CLIENT] });
});

afterAll(async () => {
  await emulator?.close();
});

beforeEach(async () => {
  if (kind !== 'sqlite') database = await createTestDatabase();
});

afterEach(async () => {
  await database?.drop();
  database = undefined;
});

describe.each(DATABASES)('%s', (_name, databaseUrl) => {
  const run = databaseUrl ? test : test.skip;
  // The database outlives the test, so names are unique per run.
  const suffix = randomBytes(4).toString('hex');

  run('links, lists, rejects a replay and unlinks a grant', async () => {
    const demo = await startDemoApp({ ...emulatorBackedConfig(emulator), databaseUrl: database!.url });
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
    const demo = await startDemoApp({ ...emulatorBackedConfig(emulator), databaseUrl: database!.url });
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
