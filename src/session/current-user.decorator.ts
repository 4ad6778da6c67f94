import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';

import { getDemoUser, type DemoUser } from './demo-user.js';

/** Parameter decorator for the signed-in `DemoUser`. Use it only on routes behind `SignedInGuard`, which makes sure there is one. */
export const CurrentUser = createParamDecorator((_data: unknown, context: ExecutionContext): DemoUser => {
  const user = getDemoUser(context.switchToHttp().getRequest<Request>());
  if (!user) throw new Error('CurrentUser was used on a route without SignedInGuard.');
  return user;
});
