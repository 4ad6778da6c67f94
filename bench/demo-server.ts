import 'reflect-metadata';

import type { AddressInfo } from 'node:net';

import { NestFactory } from '@nestjs/core';
import { DataSource } from 'typeorm';

import { createAppModule } from '../src/app.module.js';
import type { DemoConfig } from '../src/config/demo-config.js';
import type { RunningServer } from './floor-server.js';
import type { QueryCounter } from './query-counter.js';
import type { ServerOptions } from './server-messages.js';

/**
 * Starts the demo app as `createAppModule` builds it, on 127.0.0.1 and a free port, with the
 * emulator as its Nylas API and `queryCounter` as its TypeORM logger. The demo's rate limit is
 * left off, because every virtual user comes from the same address. Nest logs only warnings and
 * errors, so the per-callback "Linked grant" line costs nothing.
 */
export async function startDemoServer(options: ServerOptions, queryCounter: QueryCounter): Promise<RunningServer> {
  const config: DemoConfig = {
    host: '127.0.0.1',
    port: 0,
    databaseUrl: options.databaseUrl,
    session: { secret: 'benchmark-session-secret-of-32-chars-or-more', secretGenerated: false, secureCookie: false },
    nylas: {
      mode: 'api',
      clientId: options.clientId,
      apiKey: options.apiKey,
      apiUri: options.emulatorUrl,
      callbackUri: options.callbackUri,
      jwksUri: options.jwksUri,
      idTokenIssuer: options.issuer,
    },
  };

  const app = await NestFactory.create(createAppModule(config, { typeormLogger: queryCounter }), {
    logger: ['error', 'warn'],
    // Throw a start-up error to the caller, which reports it to the benchmark, instead of exiting.
    abortOnError: false,
  });
  if (options.sqliteRollbackJournal) await app.get(DataSource).query('PRAGMA journal_mode = DELETE');
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => app.close() };
}
