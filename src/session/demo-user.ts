import type { Request } from 'express';

/**
 * The signed-in user of the demo, as the session middleware puts it on `request.user`. The
 * library's default `resolveUserId` reads `request.user.id`, so the id is the username.
 */
export interface DemoUser {
  id: string;
}

/** Returns the signed-in user of a request, or undefined. */
export function getDemoUser(request: Request): DemoUser | undefined {
  const user = (request as Request & { user?: unknown }).user;
  if (typeof user !== 'object' || user === null) return undefined;

  const id = (user as { id?: unknown }).id;
  return typeof id === 'string' ? { id } : undefined;
}
