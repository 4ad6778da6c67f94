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

/**
 * A Nest app with only NylasConnectModule, pointed at the emulator, on `database` (from
 * `createTestDatabase()`) or else SQLite in memory. Nothing is listened on; tests call the
 * service or use `app.getHttpServer()`.
 */
export async function createConnectTestApp(
  emulator: NylasEmulator,
  overrides: Partial<NylasConnectOptions> = {},
  database: DataSourceOptions = IN_MEMORY_SQLITE,
  setup: { webhookPath?: string; beforeInit?: (app: INestApplication) => void } = {},
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
