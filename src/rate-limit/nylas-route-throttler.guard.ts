import { Injectable, type ExecutionContext } from '@nestjs/common';
import { ThrottlerGuard } from '@nestjs/throttler';
import type { Request } from 'express';

/** Path prefix of the library's start and callback routes. */
const NYLAS_ROUTE_PREFIX = '/auth/nylas';

/**
 * Rate-limits the start and callback routes per client IP, and nothing else: those two are
 * public (the callback) or create database rows (the start). Over the limit, the throttler
 * answers 429 before Passport or the database is reached.
 * NOTE: behind a reverse proxy, set Express's `trust proxy` so that `req.ip` is the client's.
 */
@Injectable()
export class NylasRouteThrottlerGuard extends ThrottlerGuard {
  protected override async shouldSkip(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<Request>();
    return !request.path.startsWith(NYLAS_ROUTE_PREFIX);
  }
}
