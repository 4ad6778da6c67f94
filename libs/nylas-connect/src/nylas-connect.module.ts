import { Module, type DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';

import { NylasAuthGuard } from './auth/nylas-auth.guard.js';
import { NylasCallbackExceptionFilter } from './auth/nylas-callback-exception.filter.js';
import { createNylasConnectController } from './auth/nylas-connect.controller.js';
import { NylasStrategy } from './auth/nylas.strategy.js';
import { NYLAS_CONNECT_ENTITIES } from './entities/index.js';
import { NYLAS_CONNECT_OPTIONS } from './nylas-connect.constants.js';
import {
  NYLAS_CONNECT_ASYNC_OPTIONS_TYPE,
  NYLAS_CONNECT_MODULE_OPTIONS,
  NYLAS_CONNECT_OPTIONS_TYPE,
  NylasConnectConfigurableModule,
} from './nylas-connect.module-definition.js';
import type { NylasConnectOptions } from './nylas-connect.options.js';
import { NylasConnectService } from './nylas-connect.service.js';
import { IdTokenVerifier } from './oauth/id-token.verifier.js';
import { NylasTokenClient } from './oauth/nylas-token.client.js';
import { resolveNylasConnectOptions } from './resolved-options.js';
import { NylasFlowStore } from './storage/nylas-flow.store.js';
import { NylasGrantRepository } from './storage/nylas-grant.repository.js';

/**
 * Nylas v3 hosted authentication for a Nest app: `forRoot(options)` or
 * `forRootAsync({ imports, inject, useFactory })`. The host app provides the TypeORM data
 * source, with this module's entities and migrations in it (`NYLAS_CONNECT_ENTITIES`,
 * `NYLAS_CONNECT_MIGRATIONS`) or `autoLoadEntities: true`.
 */
@Module({
  imports: [TypeOrmModule.forFeature(NYLAS_CONNECT_ENTITIES)],
  providers: [
    {
      provide: NYLAS_CONNECT_OPTIONS,
      useFactory: (options: NylasConnectOptions) => resolveNylasConnectOptions(options),
      inject: [NYLAS_CONNECT_MODULE_OPTIONS],
    },
    NylasConnectService,
    NylasFlowStore,
    NylasGrantRepository,
    NylasTokenClient,
    IdTokenVerifier,
    NylasStrategy,
    NylasAuthGuard,
    NylasCallbackExceptionFilter,
  ],
  exports: [NYLAS_CONNECT_OPTIONS, NylasConnectService, NylasGrantRepository, NylasStrategy, NylasAuthGuard, NylasCallbackExceptionFilter],
})
export class NylasConnectModule extends NylasConnectConfigurableModule {
  static override forRoot(options: typeof NYLAS_CONNECT_OPTIONS_TYPE): DynamicModule {
    return withController(super.forRoot(options), options.routePath);
  }

  static override forRootAsync(options: typeof NYLAS_CONNECT_ASYNC_OPTIONS_TYPE): DynamicModule {
    return withController(super.forRootAsync(options), options.routePath);
  }
}

function withController(definition: DynamicModule, routePath: string | false | undefined): DynamicModule {
  if (routePath === false) return definition;
  const path = (routePath ?? 'auth/nylas').replace(/^\/+|\/+$/g, '');
  return { ...definition, controllers: [...(definition.controllers ?? []), createNylasConnectController(path)] };
}
