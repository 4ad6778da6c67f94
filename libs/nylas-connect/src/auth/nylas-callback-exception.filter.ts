import { Catch, Inject, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Request, Response } from 'express';

import { NylasConnectError } from '../errors/nylas-connect.error.js';
import { NYLAS_CONNECT_OPTIONS, NYLAS_ERROR_QUERY_PARAM } from '../nylas-connect.constants.js';
import type { ResolvedNylasConnectOptions } from '../resolved-options.js';

/** Returns whether the client prefers JSON to an HTML page. */
export function wantsJson(request: Request): boolean {
  return request.accepts(['html', 'json']) === 'json';
}

/** Adds one query parameter to a same-site path. */
export function withQueryParam(path: string, name: string, value: string): string {
  const url = new URL(path, 'http://redirect.invalid');
  url.searchParams.set(name, value);
  return `${url.pathname}${url.search}${url.hash}`;
}

/**
 * Responds to a failed callback. A browser is redirected to `failureRedirect` with
 * `nylas_error=<code>`. A client that accepts JSON gets the status and
 * `{ statusCode, error, message }`, where `error` is the stable code.
 */
@Catch(NylasConnectError)
export class NylasCallbackExceptionFilter implements ExceptionFilter<NylasConnectError> {
  private readonly logger = new Logger('NylasConnect');

  constructor(@Inject(NYLAS_CONNECT_OPTIONS) private readonly options: ResolvedNylasConnectOptions) {}

  catch(exception: NylasConnectError, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<Request>();
    const response = http.getResponse<Response>();

    // The code and the status only: the URL carries the authorization code and the state.
    this.logger.warn(`Callback failed with ${exception.code} (HTTP ${exception.getStatus()})`);
    response.setHeader('Cache-Control', 'no-store');
    if (wantsJson(request)) {
      response.status(exception.getStatus()).json(exception.getResponse());
      return;
    }
    response.redirect(302, withQueryParam(this.options.failureRedirect, NYLAS_ERROR_QUERY_PARAM, exception.code));
  }
}
