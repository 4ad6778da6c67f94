import type { NextFunction, Request, Response } from 'express';

/** Header that names the signed-in user of a test request. */
export const TEST_USER_HEADER = 'x-test-user';

/**
 * Stands in for a host app's own authentication: sets `req.user` to `{ id }` from
 * `TEST_USER_HEADER`, which is what the library's default `resolveUserId` reads.
 */
export function testUserMiddleware(req: Request & { user?: unknown }, _res: Response, next: NextFunction): void {
  const user = req.header(TEST_USER_HEADER);
  if (user) req.user = { id: user };
  next();
}

/** Returns the path and query of an absolute URL, to request it from a test app. */
export function pathAndQuery(url: string): string {
  const parsed = new URL(url);
  return `${parsed.pathname}${parsed.search}`;
}
