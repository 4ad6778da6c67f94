import { Inject, Module, type DynamicModule, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import cookieParser from 'cookie-parser';
import { NylasConnectModule, type NylasConnectOptions } from 'nestjs-nylas-connect';
import type { Logger as TypeOrmLogger } from 'typeorm';

import type { DemoConfig } from './config/demo-config.js';
import { DEMO_CONFIG, DemoConfigModule } from './config/demo-config.module.js';
import { createDataSourceOptions } from './database/database-options.js';
import { GrantsModule } from './grants/grants.module.js';
import { DemoExceptionFilter } from './http/demo-exception.filter.js';
import { securityHeaders } from './http/security-headers.middleware.js';
import { createNylasConnectOptions } from './nylas/nylas-config.factory.js';
import { NylasEndpoint, NYLAS_ENDPOINT } from './nylas/nylas-endpoint.js';
import { NylasEndpointModule } from './nylas/nylas-endpoint.module.js';
import { PageModule } from './page/page.module.js';
import { SessionModule } from './session/session.module.js';
import { SessionUserMiddleware } from './session/session-user.middleware.js';

/** Path of the Nylas webhook route; `main.ts` mounts the raw-body reader on it. */
export const WEBHOOK_PATH = '/webhooks/nylas';

/** Changes beyond the `DemoConfig`, for tests. */
export interface AppModuleOverrides {
  /** Applied last to the nylas-connect options, for example a short `stateTtlMs` or `requestTimeoutMs`. */
  nylas?: Partial<NylasConnectOptions>;
  /**
   * More modules for the root module. `main.ts` adds the rate limiter here rather than this file
   * importing it, because @nestjs/throttler 6 is CommonJS on top of ESM-only Nest 12: Node 20.19+
   * loads it through require(esm), but Jest on Node 20 cannot, so in-process tests run without it.
   */
  imports?: DynamicModule[];
  /** TypeORM logger of the app's data source, for example one that counts queries (the benchmark's). */
  typeormLogger?: TypeOrmLogger;
}

/**
 * The root module. The session middleware runs on every route, after cookie-parser has checked
 * the cookie signature, and before guards: the library's `NylasAuthGuard` reads `request.user`.
 */
@Module({})
export class AppModule implements NestModule {
  constructor(@Inject(DEMO_CONFIG) private readonly config: DemoConfig) {}

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(securityHeaders, cookieParser(this.config.session.secret), SessionUserMiddleware).forRoutes('*');
  }
}

/**
 * Builds the demo app from an explicit `DemoConfig` rather than from the environment, so that
 * tests can run it on in-memory SQLite against an emulator of their own.
 */
export function createAppModule(config: DemoConfig, overrides: AppModuleOverrides = {}): DynamicModule {
  return {
    module: AppModule,
    imports: [
      DemoConfigModule.forRoot(config),
      TypeOrmModule.forRoot({ ...createDataSourceOptions(config.databaseUrl), migrationsRun: true, logger: overrides.typeormLogger }),
      NylasConnectModule.forRootAsync({
        isGlobal: true,
        webhookPath: config.webhookSecret ? WEBHOOK_PATH : false,
        imports: [NylasEndpointModule],
        inject: [DEMO_CONFIG, NYLAS_ENDPOINT],
        useFactory: (demoConfig: DemoConfig, endpoint: NylasEndpoint) => createNylasConnectOptions(demoConfig, endpoint, overrides.nylas),
      }),
      ...(overrides.imports ?? []),
      SessionModule,
      GrantsModule,
      PageModule,
    ],
    // Global, so it also handles the 404 of Nest's not-found handler and body-parser's errors.
    providers: [{ provide: APP_FILTER, useClass: DemoExceptionFilter }],
  };
}
