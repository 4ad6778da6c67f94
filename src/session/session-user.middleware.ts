import { Injectable, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';

import type { DemoUser } from './demo-user.js';
import { readSessionUser } from './session-cookie.js';

/**
 * Puts `{ id: username }` on `request.user` for a request with a valid session cookie, so that
 * the demo's routes and the library's default `resolveUserId` see the signed-in user.
 * It must run after cookie-parser.
 */
@Injectable()
export class SessionUserMiddleware implements NestMiddleware {
  use(request: Request, _response: Response, next: NextFunction): void {
    const username = readSessionUser(request);
    if (username !== undefined) {
      const user: DemoUser = { id: username };
      (request as Request & { user?: DemoUser }).user = user;
    }
    next();
  }
}
