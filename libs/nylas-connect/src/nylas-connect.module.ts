import { Module, type DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';

import { NYLAS_CLIENT } from './api/nylas-client.constants.js';
import { nylasClientProvider } from './api/nylas-client.provider.js';
import { NylasGrantResolver } from './api/nylas-grant.resolver.js';
import { NylasAuthGuard } from './auth/nylas-auth.guard.js';
import { NylasCallbackExceptionFilter } from './auth/nylas-callback-exception.filter.js';
import { NylasClientFlowService } from './auth/nylas-client-flow.service.js';
import { NylasPendingFlowReader } from './auth/nylas-pending-flow.reader.js';
import { NylasStartExceptionFilter } from './auth/nylas-start-exception.filter.js';
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
import type { NylasConnectModuleExtras, NylasConnectOptions } from './nylas-connect.options.js';
import { NylasConnectService } from './nylas-connect.service.js';
import { IdTokenVerifier } from './oauth/id-token.verifier.js';
import { NylasTokenClient } from './oauth/nylas-token.client.js';
import { resolveNylasConnectOptions } from './resolved-options.js';
import { NylasFlowStore } from './storage/nylas-flow.store.js';
import { NylasGrantRepository } from './storage/nylas-grant.repository.js';
import { NylasGrantsClient } from './http/nylas-grants.client.js';
import { AccessTokenService } from './lifecycle/access-token.service.js';
import { GrantLifecycleService } from './lifecycle/grant-lifecycle.service.js';
import { NylasGrantEvents } from './lifecycle/nylas-grant-events.js';
import { createNylasWebhookController } from './webhooks/nylas-webhook.controller.js';
import { NylasWebhookService } from './webhooks/nylas-webhook.service.js';

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
    NylasStartExceptionFilter,
    NylasPendingFlowReader,
    NylasClientFlowService,
    nylasClientProvider,
    NylasGrantResolver,
    AccessTokenService,
    GrantLifecycleService,
    NylasGrantEvents,
    NylasGrantsClient,
    NylasWebhookService,
  ],
  exports: [
    NYLAS_CONNECT_OPTIONS,
    NylasConnectService,
    NylasGrantRepository,
    NylasStrategy,
    NylasAuthGuard,
    NylasCallbackExceptionFilter,
    NylasStartExceptionFilter,
    NylasClientFlowService,
    NYLAS_CLIENT,
    NylasGrantResolver,
    NylasGrantEvents,
  ],
})
export class NylasConnectModule extends NylasConnectConfigurableModule {
  static override forRoot(options: typeof NYLAS_CONNECT_OPTIONS_TYPE): DynamicModule {
    return withControllers(super.forRoot(options), options);
  }

  static override forRootAsync(options: typeof NYLAS_CONNECT_ASYNC_OPTIONS_TYPE): DynamicModule {
    return withControllers(super.forRootAsync(options), options);
  }
}

function withControllers(definition: DynamicModule, extras: NylasConnectModuleExtras): DynamicModule {
  const controllers = [...(definition.controllers ?? [])];
  if (extras.routePath !== false) controllers.push(createNylasConnectController(trimSlashes(extras.routePath ?? 'auth/nylas')));
  if (extras.webhookPath) controllers.push(createNylasWebhookController(trimSlashes(extras.webhookPath)));
  return { ...definition, controllers };
}

function trimSlashes(path: string): string {
  return path.replace(/^\/+|\/+$/g, '');
}
