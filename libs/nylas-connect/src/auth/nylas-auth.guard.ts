import { Injectable, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';

import { NYLAS_STRATEGY_NAME } from '../nylas-connect.constants.js';
import { NYLAS_FLOW_STEP, type NylasFlowStep } from './nylas-flow-step.decorator.js';
import { NYLAS_FLOW_STEP_OPTION, NYLAS_STRATEGY_INSTANCE_OPTION } from './nylas-passport.strategy.js';
import { NylasStrategy } from './nylas.strategy.js';

/**
 * Guards a start route and a callback route with the `nylas` strategy. On a start route it
 * redirects to Nylas; on a callback route it finishes the flow and puts the `NylasConnection`
 * on `request.user`. Failures are thrown as the module's typed errors, never a bare 401.
 */
@Injectable()
export class NylasAuthGuard extends AuthGuard(NYLAS_STRATEGY_NAME) {
  constructor(
    private readonly strategy: NylasStrategy,
    private readonly reflector: Reflector,
  ) {
    super();
  }

  override getAuthenticateOptions(context: ExecutionContext): Record<string, unknown> {
    const step = this.reflector.get<NylasFlowStep | undefined>(NYLAS_FLOW_STEP, context.getHandler());
    return { session: false, [NYLAS_STRATEGY_INSTANCE_OPTION]: this.strategy, [NYLAS_FLOW_STEP_OPTION]: step };
  }

  override handleRequest<TUser>(error: unknown, user: TUser | false): TUser {
    if (error) throw error;
    // The strategy always either fails with an error or succeeds with a connection.
    if (!user) throw new Error('The nylas strategy finished without a user or an error.');
    return user;
  }
}
