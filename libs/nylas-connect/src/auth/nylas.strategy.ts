import { Inject, Injectable, Logger } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { Request } from 'express';

import { FlowUserMismatchError } from '../errors/client-flow.errors.js';
import { describeError } from '../errors/describe-error.js';
import { InvalidStartParameterError, NotSignedInError } from '../errors/start.errors.js';
import { NYLAS_CONNECT_OPTIONS, NYLAS_STRATEGY_NAME } from '../nylas-connect.constants.js';
import type { NylasConnection } from '../nylas-connection.js';
import { NylasConnectService } from '../nylas-connect.service.js';
import type { NylasFlowMode } from '../nylas-flow-mode.js';
import { parseCallbackUrl } from '../oauth/callback-params.js';
import type { ResolvedNylasConnectOptions } from '../resolved-options.js';
import { rememberFlowMode, type NylasCodeHandoff } from './callback-outcome.js';
import { isCallbackRequest, NylasPassportStrategy } from './nylas-passport.strategy.js';
import type { NylasPendingFlow } from '../entities/nylas-pending-flow.entity.js';
import { NylasPendingFlowReader, type PendingFlowSummary } from './nylas-pending-flow.reader.js';
import { requireSignedInUser } from './signed-in-user.js';

/**
 * The `nylas` Passport strategy. Its validate step finishes the flow with `callback(url)`,
 * where `url` is the configured `callbackUri` with the request's query string: the host part
 * never comes from the request's `Host` or `X-Forwarded-*` headers.
 *
 * Before that it reads the flow's stored mode and records it on the request, so the response
 * (redirect, pop-up page) follows the mode chosen at the start, never a parameter of the callback.
 * The callback of a `client` flow with a code is not finished here: it becomes a `NylasCodeHandoff`.
 */
@Injectable()
export class NylasStrategy extends PassportStrategy(NylasPassportStrategy, NYLAS_STRATEGY_NAME) {
  private readonly callbackPath: string;

  private readonly logger = new Logger('NylasConnect');

  constructor(
    private readonly connect: NylasConnectService,
    @Inject(NYLAS_CONNECT_OPTIONS) private readonly options: ResolvedNylasConnectOptions,
    private readonly pendingFlows: NylasPendingFlowReader,
  ) {
    super();
    // NOTE: this matches only when the app receives the same path as the browser requested. Behind a proxy
    // that rewrites paths, a bare callback request is treated as a start.
    this.callbackPath = new URL(options.callbackUri).pathname;
  }

  override isCallback(request: Request): boolean {
    return isCallbackRequest(request, this.callbackPath);
  }

  /** Finishes the flow for a callback request, or hands a `client` flow's code on; the result becomes `request.user`. */
  async validate(request: Request): Promise<NylasConnection | NylasCodeHandoff> {
    const callbackUrl = buildCallbackUrl(this.options.callbackUri, request);
    const flow = await this.findFlow(callbackUrl);
    rememberFlowMode(request, flow?.mode ?? 'redirect');
    if (flow) await this.checkCallbackUser(request, flow);

    if (flow?.mode === 'client') {
      const params = parseCallbackUrl(callbackUrl);
      // An error, or a URL without a code, goes through completeCallback, which uses the state up and raises the typed error.
      if (params.error === undefined && params.code !== undefined && params.state !== undefined) {
        return { handoff: 'client', code: params.code, state: params.state, returnTo: flow.returnTo };
      }
    }
    return this.connect.completeCallback(callbackUrl, flow ?? undefined);
  }

  /**
   * Starts a flow for the signed-in user, with `provider`, `returnTo`, `login_hint` and `mode`
   * (`redirect` or `popup`) from the query.
   */
  override async startFlow(request: Request): Promise<string> {
    const userId = await requireSignedInUser(request, this.options);
    const started = await this.connect.startFlow({
      userId,
      provider: singleQueryValue(request, 'provider'),
      returnTo: singleQueryValue(request, 'returnTo'),
      loginHint: singleQueryValue(request, 'login_hint'),
      mode: startMode(request),
    });
    return started.url;
  }

  /**
   * Rejects a callback opened in a browser where another user is signed in. Without this, someone
   * could send their own authorization URL to a victim, and the victim's mailbox would be linked
   * to the sender. The check runs before the state is claimed, so the flow's own user can still
   * finish it. With `requireSignedInCallback`, a callback without a signed-in user is rejected too.
   */
  private async checkCallbackUser(request: Request, flow: PendingFlowSummary): Promise<void> {
    const userId = await this.options.resolveUserId(request);
    const signedIn = typeof userId === 'string' && userId !== '';
    if (signedIn && userId !== flow.userId) {
      this.logger.warn(`User ${userId} opened the callback of a flow started by user ${flow.userId}; nothing was exchanged`);
      throw new FlowUserMismatchError();
    }
    if (!signedIn && this.options.requireSignedInCallback) throw new NotSignedInError();
  }

  /**
   * Returns the pending flow the callback's state names, or null. A malformed URL or a failed
   * read also gives null: the callback then reports the problem itself, when it claims the state.
   */
  private async findFlow(callbackUrl: string): Promise<NylasPendingFlow | null> {
    let state: string | undefined;
    try {
      state = parseCallbackUrl(callbackUrl).state;
    } catch {
      return null;
    }
    if (state === undefined) return null;

    try {
      return await this.pendingFlows.findRowByState(state);
    } catch (error) {
      this.logger.warn(`Reading the mode of a flow failed: ${describeError(error)}`);
      return null;
    }
  }
}

/**
 * Reads the `mode` query parameter of a start request: `redirect` (the default) or `popup`. A
 * `client` flow starts through `POST <routePath>/flows` instead, which needs no redirect.
 */
export function startMode(request: Request): Extract<NylasFlowMode, 'redirect' | 'popup'> {
  const mode = singleQueryValue(request, 'mode');
  if (mode === undefined || mode === '' || mode === 'redirect') return 'redirect';
  if (mode === 'popup') return 'popup';
  throw new InvalidStartParameterError('invalid_mode', 'mode must be "redirect" or "popup"; a client flow starts with a POST to the flows endpoint.');
}

/** The configured callback URI with the query string the request arrived with. */
export function buildCallbackUrl(callbackUri: string, request: Request): string {
  const url = new URL(callbackUri);
  const raw = request.originalUrl ?? request.url;
  const queryStart = raw.indexOf('?');
  url.search = queryStart === -1 ? '' : raw.slice(queryStart);
  return url.toString();
}

const START_PARAMETER_ERROR_CODES = {
  provider: 'invalid_provider',
  returnTo: 'invalid_return_to',
  login_hint: 'invalid_login_hint',
  mode: 'invalid_mode',
} as const;

function singleQueryValue(request: Request, name: keyof typeof START_PARAMETER_ERROR_CODES): string | undefined {
  const values = new URL(request.originalUrl ?? request.url, 'http://start.invalid').searchParams.getAll(name);
  if (values.length > 1) {
    throw new InvalidStartParameterError(START_PARAMETER_ERROR_CODES[name], `The "${name}" query parameter must be given at most once.`);
  }
  return values[0];
}
