import { Inject, Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { Request } from 'express';

import { NotSignedInError, InvalidStartParameterError } from '../errors/start.errors.js';
import { NYLAS_CONNECT_OPTIONS, NYLAS_STRATEGY_NAME } from '../nylas-connect.constants.js';
import type { NylasConnection } from '../nylas-connection.js';
import { NylasConnectService } from '../nylas-connect.service.js';
import type { ResolvedNylasConnectOptions } from '../resolved-options.js';
import { isCallbackRequest, NylasPassportStrategy } from './nylas-passport.strategy.js';

/**
 * The `nylas` Passport strategy. Its validate step finishes the flow with `callback(url)`,
 * where `url` is the configured `callbackUri` with the request's query string: the host part
 * never comes from the request's `Host` or `X-Forwarded-*` headers.
 */
@Injectable()
export class NylasStrategy extends PassportStrategy(NylasPassportStrategy, NYLAS_STRATEGY_NAME) {
  private readonly callbackPath: string;

  constructor(
    private readonly connect: NylasConnectService,
    @Inject(NYLAS_CONNECT_OPTIONS) private readonly options: ResolvedNylasConnectOptions,
  ) {
    super();
    // NOTE: this matches only when the app sees the same path as the browser. Behind a proxy
    // that rewrites paths, a bare callback request is treated as a start.
    this.callbackPath = new URL(options.callbackUri).pathname;
  }

  override isCallback(request: Request): boolean {
    return isCallbackRequest(request, this.callbackPath);
  }

  /** Finishes the flow for a callback request; the result becomes `request.user`. */
  async validate(request: Request): Promise<NylasConnection> {
    return this.connect.completeCallback(buildCallbackUrl(this.options.callbackUri, request));
  }

  /** Starts a flow for the signed-in user, with `provider`, `returnTo` and `login_hint` from the query. */
  override async startFlow(request: Request): Promise<string> {
    const userId = await this.options.resolveUserId(request);
    if (typeof userId !== 'string' || userId === '') throw new NotSignedInError();

    const started = await this.connect.startFlow({
      userId,
      provider: singleQueryValue(request, 'provider'),
      returnTo: singleQueryValue(request, 'returnTo'),
      loginHint: singleQueryValue(request, 'login_hint'),
    });
    return started.url;
  }
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
} as const;

function singleQueryValue(request: Request, name: keyof typeof START_PARAMETER_ERROR_CODES): string | undefined {
  const values = new URL(request.originalUrl ?? request.url, 'http://start.invalid').searchParams.getAll(name);
  if (values.length > 1) {
    throw new InvalidStartParameterError(START_PARAMETER_ERROR_CODES[name], `The "${name}" query parameter must be given at most once.`);
  }
  return values[0];
}
