import type { Request } from 'express';
import passport from 'passport';

import { InvalidStartParameterError } from '../errors/start.errors.js';
import { NYLAS_STRATEGY_NAME } from '../nylas-connect.constants.js';

/** Authenticate option by which `NylasAuthGuard` names the strategy instance of its own module. */
export const NYLAS_STRATEGY_INSTANCE_OPTION = 'nylasStrategyInstance';

/** Authenticate option that carries the route's `@NylasFlowStep()`, when it has one. */
export const NYLAS_FLOW_STEP_OPTION = 'nylasFlowStep';

type VerifyCallback = (request: Request, done: (error: unknown, user?: unknown) => void) => void;

/** Returns whether the request carries any of the parameters Nylas sends to a callback. */
export function hasCallbackParameters(request: Request): boolean {
  const query = new URL(request.originalUrl ?? request.url, 'http://callback.invalid').searchParams;
  return query.has('code') || query.has('error') || query.has('state');
}

/**
 * Guesses, for a route without `@NylasFlowStep()`, whether the request is a callback from Nylas
 * rather than the start of a flow: it carries `code`, `error` or `state`, or its path is the path
 * of `callbackPath` (compared without case and trailing slash, as Express routes). The path check
 * makes a bare request to the callback route fail as a callback instead of starting a new flow.
 */
export function isCallbackRequest(request: Request, callbackPath?: string): boolean {
  if (hasCallbackParameters(request)) return true;
  if (callbackPath === undefined) return false;
  const path = new URL(request.originalUrl ?? request.url, 'http://callback.invalid').pathname;
  return normalizePath(path) === normalizePath(callbackPath);
}

function normalizePath(path: string): string {
  return path.toLowerCase().replace(/\/+$/, '');
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
    const step = options?.[NYLAS_FLOW_STEP_OPTION];

    if (step === 'start' && hasCallbackParameters(request)) {
      this.error(new InvalidStartParameterError('unexpected_callback_parameters', 'The start route takes no code, state or error: Nylas sends those to the callback route.'));
      return;
    }
    const isCallback = step === 'callback' || (step !== 'start' && target.isCallback(request));
    if (!isCallback) {
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
