import { Logger, type INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource, type DataSourceOptions } from 'typeorm';

import {
  NYLAS_CONNECT_ENTITIES,
  NYLAS_CONNECT_MIGRATIONS,
  NylasConnectModule,
  NylasConnectService,
  NylasGrantRepository,
  type NylasConnectOptions,
} from 'nestjs-nylas-connect';
import { NylasEmulator } from 'nylas-emulator';

import { createTestDatabase, type TestDatabase } from './test-database.js';

export const CLIENT_ID = 'test-client-id';
export const API_KEY = 'test-api-key-0123456789';
export const CALLBACK_URI = 'http://app.test/auth/nylas/callback';

/** Starts an emulator with the test application registered. */
export function startEmulator(): Promise<NylasEmulator> {
  return NylasEmulator.start({ clients: [{ clientId: CLIENT_ID, apiKey: API_KEY, callbackUris: [CALLBACK_URI] }] });
}

export interface ConnectTestApp {
  app: INestApplication;
  service: NylasConnectService;
  grants: NylasGrantRepository;
  dataSource: DataSource;
}

const IN_MEMORY_SQLITE: DataSourceOptions = { type: 'better-sqlite3', database: ':memory:' };

/** How a test app is set up beyond the library's options. */
export interface ConnectTestAppSetup {
  /** The module's `webhookPath`; the webhook route is off without it. */
  webhookPath?: string;
  /** Runs before `app.init()`, for example to mount middleware. */
  beforeInit?: (app: INestApplication) => void;
}

/**
 * Starts a Nest app with only NylasConnectModule, pointed at the emulator, on `database` (from
 * `createTestDatabase()`) or else SQLite in memory. Nothing is listened on; tests call the
 * service or use `app.getHttpServer()`.
 */
export async function createConnectTestApp(
  emulator: NylasEmulator,
  overrides: Partial<NylasConnectOptions> = {},
  database: DataSourceOptions = IN_MEMORY_SQLITE,
  setup: ConnectTestAppSetup = {},
): Promise<ConnectTestApp> {
  const moduleRef = await Test.createTestingModule({
    imports: [
      TypeOrmModule.forRoot({
        ...database,
        entities: NYLAS_CONNECT_ENTITIES,
        migrations: NYLAS_CONNECT_MIGRATIONS,
        migrationsRun: true,
      } as DataSourceOptions),
      NylasConnectModule.forRoot({
        clientId: CLIENT_ID,
        apiKey: API_KEY,
        apiUri: emulator.url,
        callbackUri: CALLBACK_URI,
        jwksUri: emulator.jwksUri,
        idTokenIssuer: emulator.issuer,
        requestTimeoutMs: 2000,
        ...overrides,
        webhookPath: setup.webhookPath ?? false,
      }),
    ],
  }).compile();
  moduleRef.useLogger(false);
  const app = moduleRef.createNestApplication({ logger: false });
  setup.beforeInit?.(app);
  await app.init();
  return {
    app,
    service: app.get(NylasConnectService),
    grants: app.get(NylasGrantRepository),
    dataSource: app.get(DataSource),
  };
}

/** Silences Nest's static logger for a suite; the library logs expected failures as warnings. */
export function silenceNestLogger(): void {
  Logger.overrideLogger(false);
}

/** The parts a suite from `useConnectTestApps()` works with. */
export interface ConnectTestSuite {
  readonly emulator: NylasEmulator;
  /** Starts an app on this test's database; it is closed after the test. */
  app(overrides?: Partial<NylasConnectOptions>, setup?: ConnectTestAppSetup): Promise<ConnectTestApp>;
}

/**
 * Registers the Jest hooks most library suites share: one emulator for the suite, a fresh
 * database for each test (see `createTestDatabase()`), and every app of a test closed after it.
 */
export function useConnectTestApps(): ConnectTestSuite {
  let emulator: NylasEmulator | undefined;
  let database: TestDatabase | undefined;
  const apps: ConnectTestApp[] = [];

  beforeAll(async () => {
    silenceNestLogger();
    emulator = await startEmulator();
  });

  afterAll(async () => {
    await emulator?.close();
  });

  beforeEach(async () => {
    emulator!.reset();
    database = await createTestDatabase();
  });

  afterEach(async () => {
    for (const created of apps.splice(0)) await created.app.close();
    await database?.drop();
  });

  return {
    get emulator() {
      return emulator!;
    },
    async app(overrides = {}, setup = {}) {
      const created = await createConnectTestApp(emulator!, overrides, database!.options, setup);
      apps.push(created);
      return created;
    },
  };
}
