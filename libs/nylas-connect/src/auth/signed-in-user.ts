import type { Request } from 'express';

import { NotSignedInError } from '../errors/start.errors.js';
import type { ResolvedNylasConnectOptions } from '../resolved-options.js';

/** Returns the user id that `resolveUserId` finds on the request, or throws 401 `not_signed_in`. */
export async function requireSignedInUser(request: Request, options: ResolvedNylasConnectOptions): Promise<string> {
  const userId = await options.resolveUserId(request);
  if (typeof userId !== 'string' || userId === '') throw new NotSignedInError();
  return userId;
}
