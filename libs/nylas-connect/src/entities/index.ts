import { NylasGrant } from './nylas-grant.entity.js';
import { NylasPendingFlow } from './nylas-pending-flow.entity.js';
import { NylasWebhookEvent } from './nylas-webhook-event.entity.js';

export { NylasGrant, type NylasGrantStatus } from './nylas-grant.entity.js';
export { NylasPendingFlow } from './nylas-pending-flow.entity.js';
export { NylasWebhookEvent } from './nylas-webhook-event.entity.js';

/** Every entity of this module, for a host app's data source (`entities: [...NYLAS_CONNECT_ENTITIES]`). */
export const NYLAS_CONNECT_ENTITIES = [NylasGrant, NylasPendingFlow, NylasWebhookEvent];
