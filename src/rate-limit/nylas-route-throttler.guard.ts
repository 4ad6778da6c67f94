import { Injectable, type ExecutionContext } from '@nestjs/common';
import { ThrottlerGuard, type ThrottlerLimitDetail } from '@nestjs/throttler';
import { DEFAULT_ROUTE_PATH } from 'nestjs-nylas-connect';

import { isControllerAt } from './nylas-route-matcher.js';
import { RateLimitedError } from './rate-limited.error.js';

/**
 * Rate-limits the routes of the library's controller per client IP, and nothing else: the start
 * route and `POST flows` create database rows, and the callback and `POST exchange` are public or
 * call Nylas. Over the limit, the guard throws `RateLimitedError` (429 `rate_limited`) before
 * Passport or the database is reached.
 *
 * The guard decides by the controller that handles the request, not by the request path: Express
 * matches paths case-insensitively, so a prefix check on `request.path` let `/AUTH/NYLAS/callback`
 * through. The demo leaves the library's `routePath` at its default, `auth/nylas`.
 * NOTE: behind a reverse proxy, set Express's `trust proxy` so that `req.ip` is the client's.
 */
@Injectable()
export class NylasRouteThrottlerGuard extends ThrottlerGuard {
  protected override async shouldSkip(context: ExecutionContext): Promise<boolean> {
    return !isControllerAt(context.getClass(), DEFAULT_ROUTE_PATH);
  }

  /** Throws `RateLimitedError` in place of `ThrottlerException`, so that the library's route filters respond with `rate_limited`. */
  protected override async throwThrottlingException(_context: ExecutionContext, detail: ThrottlerLimitDetail): Promise<void> {
    throw new RateLimitedError(detail.timeToBlockExpire);
  }
}
