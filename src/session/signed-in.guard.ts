import { Injectable, UnauthorizedException, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';

import { getDemoUser } from './demo-user.js';

/**
 * Lets only signed-in requests through. Others get 401 with `error: 'not_signed_in'`, the code
 * the library uses on its start route, so a client handles both the same way.
 */
@Injectable()
export class SignedInGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<Request>();
    if (getDemoUser(request)) return true;

    throw new UnauthorizedException({
      statusCode: 401,
      error: 'not_signed_in',
      message: 'Not signed in. Sign in with POST /login and a JSON body {"username": "..."}.',
    });
  }
}
