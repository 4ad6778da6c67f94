import { CreateNylasConnectTables1764806400000 } from './1764806400000-create-nylas-connect-tables.js';

export { CreateNylasConnectTables1764806400000 } from './1764806400000-create-nylas-connect-tables.js';

/** Every migration of this module, oldest first, for a host app's data source (`migrations: [...NYLAS_CONNECT_MIGRATIONS]`). */
export const NYLAS_CONNECT_MIGRATIONS = [CreateNylasConnectTables1764806400000];
