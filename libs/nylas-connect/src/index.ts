export { NylasConnectModule } from './nylas-connect.module.js';
export { NylasConnectService } from './nylas-connect.service.js';
export { NylasAuthGuard } from './auth/nylas-auth.guard.js';
export { NylasStrategy, buildCallbackUrl } from './auth/nylas.strategy.js';
export { NylasCallbackExceptionFilter } from './auth/nylas-callback-exception.filter.js';
export { NylasStartExceptionFilter } from './auth/nylas-start-exception.filter.js';
export { NylasClientFlowService, type CodeExchangeInput } from './auth/nylas-client-flow.service.js';
export { isCodeHandoff, type NylasCodeHandoff } from './auth/callback-outcome.js';
export type { NylasPopupMessage } from './auth/popup-page.js';
export type { CodeExchangeResponse } from './auth/nylas-connect.controller.js';
export { NYLAS_FLOW_MODES, NYLAS_CONNECT_SUCCESS, NYLAS_CONNECT_ERROR, type NylasFlowMode } from './nylas-flow-mode.js';
export { NylasGrantRepository, normalizeEmail, type StoredGrantTokens } from './storage/nylas-grant.repository.js';
export { TokenCipher, TokenDecryptionError, type TokenEncryptionOptions, type EncryptedValue } from './crypto/token-cipher.js';
export { NYLAS_CONNECT_ENTITIES, NylasGrant, NylasPendingFlow, type NylasGrantStatus } from './entities/index.js';
export {
  NYLAS_CONNECT_MIGRATIONS,
  CreateNylasConnectTables1764806400000,
  AddGrantLifecycle1764892800000,
  AddPendingFlowMode1764979200000,
} from './migrations/index.js';
export { NYLAS_CONNECT_OPTIONS, NYLAS_STRATEGY_NAME, NYLAS_ERROR_QUERY_PARAM } from './nylas-connect.constants.js';
export { NYLAS_CONNECT_MODULE_OPTIONS, DEFAULT_ROUTE_PATH } from './nylas-connect.module-definition.js';
export {
  NYLAS_PROVIDERS,
  type NylasConnectOptions,
  type NylasConnectModuleExtras,
  type NylasProvider,
  type ResolveUserId,
  type GrantConflictPolicy,
} from './nylas-connect.options.js';
export { resolveNylasConnectOptions, InvalidNylasConnectOptionError, type ResolvedNylasConnectOptions } from './resolved-options.js';
export type { ConnectResult, GrantInfo } from './connect-result.js';
export type { NylasConnection, StartFlowParams, StartedFlow } from './nylas-connection.js';
export { createNylasCodeChallenge } from './oauth/pkce.js';
export * from './errors/index.js';
export { NYLAS_CLIENT } from './api/nylas-client.constants.js';
export { InjectNylasClient } from './api/inject-nylas-client.decorator.js';
export { createNylasClient, type NylasClient } from './api/nylas-client.provider.js';
export { NylasGrantResolver, type ResolveGrantOptions } from './api/nylas-grant.resolver.js';
export { NylasGrants } from './decorators/nylas-grants.decorator.js';
export { NylasConnectionResult, isNylasConnection } from './decorators/nylas-connection-result.decorator.js';
export type { NylasAuthenticatedRequest } from './decorators/nylas-authenticated-request.js';
export { NylasGrantEvents, type NylasGrantEvent, type NylasGrantEventType } from './lifecycle/nylas-grant-events.js';
export type { DisconnectOptions, DisconnectResult } from './lifecycle/grant-lifecycle.service.js';
export { nylasWebhookRawBody } from './webhooks/nylas-webhook-raw-body.js';
export { isValidNylasSignature } from './webhooks/webhook-signature.js';
export { NylasWebhookEvent } from './entities/nylas-webhook-event.entity.js';
export { NylasFlowStep, NYLAS_FLOW_STEP } from './auth/nylas-flow-step.decorator.js';
export { describeError } from './errors/describe-error.js';
