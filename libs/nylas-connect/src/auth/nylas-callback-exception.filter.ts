import { Catch, Inject, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Request, Response } from 'express';

import { NylasConnectError } from '../errors/nylas-connect.error.js';
import { NYLAS_CONNECT_OPTIONS, NYLAS_ERROR_QUERY_PARAM } from '../nylas-connect.constants.js';
import { NYLAS_CONNECT_ERROR } from '../nylas-flow-mode.js';
import type { ResolvedNylasConnectOptions } from '../resolved-options.js';
import { rememberedFlowMode } from './callback-outcome.js';
import { sendPopupPage } from './popup-page.js';

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

/** Responds to a failure in a pop-up window with the page that posts `{ type: 'NYLAS_CONNECT_ERROR', error: <code> }` to the opener. */
export function sendPopupError(response: Response, exception: NylasConnectError, options: ResolvedNylasConnectOptions): void {
  sendPopupPage(
    response,
    exception.getStatus(),
    {
      message: { type: NYLAS_CONNECT_ERROR, error: exception.code },
      text: `Connecting the mailbox failed (${exception.code}).`,
      returnPath: withQueryParam(options.failureRedirect, NYLAS_ERROR_QUERY_PARAM, exception.code),
    },
    options.popupOrigin,
  );
}

/**
 * Responds to a failed callback. The callback of a `popup` or `client` flow gets the pop-up page
 * with the code, whatever it accepts, because its mode was stored when it started. Otherwise a
 * browser is redirected to `failureRedirect` with `nylas_error=<code>`, and a client that accepts
 * JSON gets the status and `{ statusCode, error, message }`, where `error` is the stable code.
 */
@Catch(NylasConnectError)
export class NylasCallbackExceptionFilter implements ExceptionFilter<NylasConnectError> {
  private readonly logger = new Logger('NylasConnect');

  constructor(@Inject(NYLAS_CONNECT_OPTIONS) private readonly options: ResolvedNylasConnectOptions) {}

  catch(exception: NylasConnectError, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<Request>();
    const response = http.getResponse<Response>();
    const mode = rememberedFlowMode(request);

    // The code and the status only: the URL carries the authorization code and the state.
    this.logger.warn(`Callback failed with ${exception.code} (HTTP ${exception.getStatus()})`);
    if (mode === 'popup' || mode === 'client') {
      sendPopupError(response, exception, this.options);
      return;
    }
    response.setHeader('Cache-Control', 'no-store');
    if (wantsJson(request)) {
      response.status(exception.getStatus()).json(exception.getResponse());
      return;
    }
    response.redirect(302, withQueryParam(this.options.failureRedirect, NYLAS_ERROR_QUERY_PARAM, exception.code));
  }
}
