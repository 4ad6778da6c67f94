import type { Request } from 'express';

import type { NylasConnection } from '../nylas-connection.js';

/**
 * The Express request a callback handler receives behind `@UseGuards(NylasAuthGuard)`: the guard
 * has finished the flow and put the `NylasConnection` on `request.user`, in place of the
 * application's own user. Only callback handlers run with it; a start route never reaches its handler.
 */
export type NylasAuthenticatedRequest = Request & { user: NylasConnection };
