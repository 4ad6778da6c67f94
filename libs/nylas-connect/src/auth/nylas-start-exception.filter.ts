import { Catch, Inject, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Request, Response } from 'express';

import { NylasConnectError } from '../errors/nylas-connect.error.js';
import { NYLAS_CONNECT_OPTIONS } from '../nylas-connect.constants.js';
import type { ResolvedNylasConnectOptions } from '../resolved-options.js';
import { rememberedFlowMode } from './callback-outcome.js';
import { sendPopupError } from './nylas-callback-exception.filter.js';

/**
 * Responds to a failed start of a flow. A start with `mode=popup` (or a callback on this route
 * whose stored flow is a `popup` or `client` flow) gets the pop-up page with the code, so the
 * opener learns of the failure. Every other failure gets the status and
 * `{ statusCode, error, message }`, as Nest's own handler would send.
 */
@Catch(NylasConnectError)
export class NylasStartExceptionFilter implements ExceptionFilter<NylasConnectError> {
  constructor(@Inject(NYLAS_CONNECT_OPTIONS) private readonly options: ResolvedNylasConnectOptions) {}

  catch(exception: NylasConnectError, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<Request>();
    const response = http.getResponse<Response>();

    const storedMode = rememberedFlowMode(request);
    if (storedMode === 'popup' || storedMode === 'client' || (storedMode === undefined && asksForPopup(request))) {
      sendPopupError(response, exception, this.options);
      return;
    }
    response.status(exception.getStatus()).json(exception.getResponse());
  }
}

/** Returns whether a start request has exactly one `mode` parameter and it is `popup`. */
function asksForPopup(request: Request): boolean {
  const values = new URL(request.originalUrl ?? request.url, 'http://start.invalid').searchParams.getAll('mode');
  return values.length === 1 && values[0] === 'popup';
}
