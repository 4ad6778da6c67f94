import type { Request } from 'express';
import passport from 'passport';

import { NYLAS_STRATEGY_NAME } from '../nylas-connect.constants.js';

/** Authenticate option by which `NylasAuthGuard` names the strategy instance of its own module. */
export const NYLAS_STRATEGY_INSTANCE_OPTION = 'nylasStrategyInstance';

type VerifyCallback = (request: Request, done: (error: unknown, user?: unknown) => void) => void;

/**
 * Returns whether the request is a callback from Nylas rather than the start of a flow: it
 * carries `code`, `error` or `state`, or its path is the path of `callbackPath`. The path check
 * makes a bare request to the callback route fail as a callback instead of starting a new flow.
 */
export function isCallbackRequest(request: Request, callbackPath?: string): boolean {
  const url = new URL(request.originalUrl ?? request.url, 'http://callback.invalid');
  const query = url.searchParams;
  if (query.has('code') || query.has('error') || query.has('state')) return true;
  return callbackPath !== undefined && url.pathname === callbackPath;
}

/**
 * A Passport strategy for Nylas hosted authentication. As in passport-oauth2, one strategy serves
 * both routes. A request without `code`, `error` or `state` starts a flow and is redirected to
 * Nylas. A request with them is a callback, so it goes to the verify callback (Nest's `validate`).
 *
 * Passport keeps one strategy per name for the whole process, so with two Nest apps in one
 * process the last one registered would serve both. The guard therefore passes its own module's
 * strategy in the authenticate options, and that instance does the work.
 */
export class NylasPassportStrategy extends passport.Strategy {
  override name = NYLAS_STRATEGY_NAME;

  constructor(private readonly verifyRequest: VerifyCallback) {
    super();
  }

  /** Returns whether the request finishes a flow; subclasses add the configured callback path. */
  isCallback(request: Request): boolean {
    return isCallbackRequest(request);
  }

  /** Starts a flow for the request and returns the Nylas authorization URL; subclasses implement it. */
  startFlow(_request: Request): Promise<string> {
    return Promise.reject(new Error('NylasPassportStrategy.startFlow is not implemented.'));
  }

  override authenticate(request: Request, options?: Record<string, unknown>): void {
    const candidate = options?.[NYLAS_STRATEGY_INSTANCE_OPTION];
    const target = candidate instanceof NylasPassportStrategy ? candidate : this;

    if (!target.isCallback(request)) {
      target.startFlow(request).then(
        (url) => this.redirect(url),
        (error: unknown) => this.error(error as Error),
      );
      return;
    }

    target.verifyRequest(request, (error, user) => {
      if (error) return this.error(error as Error);
      if (!user) return this.fail(401);
      return this.success(user as Express.User);
    });
  }
}
