import { Injectable, type ExecutionContext } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';

import { NYLAS_STRATEGY_NAME } from '../nylas-connect.constants.js';
import { NYLAS_STRATEGY_INSTANCE_OPTION } from './nylas-passport.strategy.js';
import { NylasStrategy } from './nylas.strategy.js';

/**
 * Guards a start route and a callback route with the `nylas` strategy. On a start route it
 * redirects to Nylas; on a callback route it finishes the flow and puts the `NylasConnection`
 * on `request.user`. Failures are thrown as the module's typed errors, never a bare 401.
 */
@Injectable()
export class NylasAuthGuard extends AuthGuard(NYLAS_STRATEGY_NAME) {
  constructor(private readonly strategy: NylasStrategy) {
    super();
  }

  override getAuthenticateOptions(_context: ExecutionContext): Record<string, unknown> {
    return { session: false, [NYLAS_STRATEGY_INSTANCE_OPTION]: this.strategy };
  }

  override handleRequest<TUser>(error: unknown, user: TUser | false): TUser {
    if (error) throw error;
    // The strategy always either fails with an error or succeeds with a connection.
    if (!user) throw new Error('The nylas strategy finished without a user or an error.');
    return user;
  }
}
