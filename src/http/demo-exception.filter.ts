import { STATUS_CODES } from 'node:http';

import { Catch, HttpException, HttpStatus, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Request, Response } from 'express';
import { describeError, NylasConnectError, type NylasErrorBody } from 'nestjs-nylas-connect';

import { describeRateLimit } from '../rate-limit/rate-limited.error.js';

/** A stable error code: lower-case words joined by underscores, as the library's codes are. */
const ERROR_CODE_PATTERN = /^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$/;

/**
 * Gives every error response of the demo the library's JSON shape `{ statusCode, error, message }`,
 * where `error` is a stable code:
 *
 * - The library's `NylasConnectError`s, and HttpExceptions whose body already has that shape (the
 *   demo's `not_signed_in`, `invalid_username`, ...), are sent unchanged.
 * - A body over the JSON parser's limit (100 kB by default) gets 413 `payload_too_large`,
 *   malformed JSON 400 `invalid_json`, and a path with no route 404 `not_found`. A 429 gets
 *   `rate_limited`: the demo's rate limiter throws `RateLimitedError`, which has it already, and
 *   @nestjs/throttler's own `ThrottlerException` is mapped to it. Other HttpExceptions get a code
 *   made from the status text, such as `bad_request` or `method_not_allowed`.
 * - Any other error gets 500 `internal_error` and one log line.
 *
 * Registered as a global filter, it runs only for errors that no filter of the route caught,
 * because Nest tries a route's filters before the global ones. So the library's start and callback
 * routes keep their own filters (`@UseFilters`), which redirect or respond with the pop-up page.
 */
@Catch()
export class DemoExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpErrors');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<Request>();
    const response = http.getResponse<Response>();

    const body = this.toErrorBody(exception, request, response);
    if (response.headersSent) {
      // A handler that failed after it began its response: the status can no longer change.
      response.end();
      return;
    }
    response.status(body.statusCode).json(body);
  }

  private toErrorBody(exception: unknown, request: Request, response: Response): NylasErrorBody {
    if (exception instanceof NylasConnectError) return exception.getResponse() as NylasErrorBody;
    if (exception instanceof HttpException) return this.fromHttpException(exception, request, response);

    // The message and stack are left out because a driver error's message can quote SQL, and the
    // query string and body because they can hold an authorization code or a state.
    this.logger.error(`Request ${request.method} ${request.path} failed with ${describeError(exception)}; responded with 500 internal_error`);
    return {
      statusCode: HttpStatus.INTERNAL_SERVER_ERROR,
      error: 'internal_error',
      message: 'The server failed while handling this request. Try again later.',
    };
  }

  private fromHttpException(exception: HttpException, request: Request, response: Response): NylasErrorBody {
    const status = exception.getStatus();
    const original = exception.getResponse();
    if (isStableErrorBody(original, status)) return original;

    if (status >= 500) {
      this.logger.error(`Request ${request.method} ${request.path} failed with ${describeError(exception)}; responded with ${status}`);
    }

    switch (status) {
      case HttpStatus.PAYLOAD_TOO_LARGE:
        return { statusCode: status, error: 'payload_too_large', message: describeSizeLimit(exception.cause) };
      case HttpStatus.BAD_REQUEST:
        // Nest's Express adapter turns body-parser's JSON SyntaxError into a BadRequestException with the SyntaxError as its cause.
        if (exception.cause instanceof SyntaxError) {
          return { statusCode: status, error: 'invalid_json', message: 'The request body is not valid JSON.' };
        }
        break;
      case HttpStatus.TOO_MANY_REQUESTS:
        // @nestjs/throttler sets Retry-After, in seconds, before it throws.
        return { statusCode: status, error: 'rate_limited', message: describeRateLimit(Number(response.getHeader('Retry-After'))) };
      case HttpStatus.NOT_FOUND:
        return { statusCode: status, error: 'not_found', message: `No route matches ${request.method} ${request.path}.` };
    }
    return { statusCode: status, error: codeForStatus(status), message: readMessage(original, status) };
  }
}

/** Returns whether an HttpException's body is already `{ statusCode, error: <stable code>, message }`. */
function isStableErrorBody(body: unknown, status: number): body is NylasErrorBody {
  if (typeof body !== 'object' || body === null) return false;
  const { statusCode, error, message } = body as Partial<Record<keyof NylasErrorBody, unknown>>;
  return statusCode === status && typeof error === 'string' && ERROR_CODE_PATTERN.test(error) && typeof message === 'string';
}

/** Makes a code from the status text: 405 `method_not_allowed`, 415 `unsupported_media_type`; `http_<status>` for a status Node has no text for. */
function codeForStatus(status: number): string {
  const text = STATUS_CODES[status];
  if (text === undefined) return `http_${status}`;
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
}

/** Reads the message Nest put in an HttpException's body, or the status text when it has none. */
function readMessage(body: string | object, status: number): string {
  if (typeof body === 'string') return body;

  const message = (body as { message?: unknown }).message;
  if (typeof message === 'string') return message;
  if (Array.isArray(message) && message.every((part) => typeof part === 'string')) return message.join('; ');
  return STATUS_CODES[status] ?? `HTTP ${status}`;
}

/** body-parser's PayloadTooLargeError carries the limit in bytes as `limit`. */
function describeSizeLimit(cause: unknown): string {
  const limit = typeof cause === 'object' && cause !== null ? (cause as { limit?: unknown }).limit : undefined;
  return typeof limit === 'number' ? `The request body is larger than ${limit} bytes.` : 'The request body is too large.';
}
