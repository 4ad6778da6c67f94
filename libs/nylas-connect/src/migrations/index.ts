import { CreateNylasConnectTables1764806400000 } from './1764806400000-create-nylas-connect-tables.js';
import { AddGrantLifecycle1764892800000 } from './1764892800000-add-grant-lifecycle.js';
import { AddPendingFlowMode1764979200000 } from './1764979200000-add-pending-flow-mode.js';

export { CreateNylasConnectTables1764806400000 } from './1764806400000-create-nylas-connect-tables.js';
export { AddGrantLifecycle1764892800000 } from './1764892800000-add-grant-lifecycle.js';
export { AddPendingFlowMode1764979200000 } from './1764979200000-add-pending-flow-mode.js';

/** Every migration of this module, oldest first, for a host app's data source (`migrations: [...NYLAS_CONNECT_MIGRATIONS]`). */
export const NYLAS_CONNECT_MIGRATIONS = [CreateNylasConnectTables1764806400000, AddGrantLifecycle1764892800000, AddPendingFlowMode1764979200000];
