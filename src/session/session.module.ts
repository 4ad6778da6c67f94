import { Module } from '@nestjs/common';

import { SessionController } from './session.controller.js';
import { SessionUserMiddleware } from './session-user.middleware.js';
import { SignedInGuard } from './signed-in.guard.js';

/** Sign-in, sign-out and the signed-in user; the app module applies the middleware. */
@Module({
  controllers: [SessionController],
  providers: [SessionUserMiddleware, SignedInGuard],
  exports: [SessionUserMiddleware, SignedInGuard],
})
export class SessionModule {}
