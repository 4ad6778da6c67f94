import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';

import type { NylasConnection } from '../nylas-connection.js';

/** Returns whether a value has the shape of the `NylasConnection` that `NylasAuthGuard` sets. */
export function isNylasConnection(value: unknown): value is NylasConnection {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Partial<NylasConnection>;
  return typeof candidate.userId === 'string' && typeof candidate.grant === 'object' && typeof candidate.result === 'object';
}

/**
 * Gives a callback handler the finished flow, `request.user` typed as `NylasConnection`:
 * `done(@NylasConnectionResult() connection: NylasConnection)`. The route needs
 * `@UseGuards(NylasAuthGuard)`. Without it the handler fails with an error that names the missing guard.
 */
export const NylasConnectionResult = createParamDecorator((_data: unknown, context: ExecutionContext): NylasConnection => {
  const user = context.switchToHttp().getRequest<Request>().user;
  if (!isNylasConnection(user)) {
    throw new Error('@NylasConnectionResult() found no NylasConnection on request.user. Put @UseGuards(NylasAuthGuard) on this callback route.');
  }
  return user;
});
