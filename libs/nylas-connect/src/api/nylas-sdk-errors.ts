import { NylasApiError, NylasSdkTimeoutError } from 'nylas';

import { NylasConnectError } from '../errors/nylas-connect.error.js';
import { NylasRateLimitedError, NylasTimeoutError } from '../errors/nylas-api.errors.js';
import { NylasApiRequestError } from './nylas-api-call.errors.js';

/**
 * Turns a failure of the Nylas SDK into the module's typed error, for the caller to handle or to
 * let Nest answer. An error status the caller handles itself (such as 404) must be checked before.
 * The SDK's message, which can hold Nylas's response body, stays in `cause` only.
 */
export function toNylasApiCallError(error: unknown, target: string, timeoutMs: number): NylasConnectError {
  if (error instanceof NylasConnectError) return error;
  if (error instanceof NylasApiError) {
    if (error.statusCode === 429) return new NylasRateLimitedError(parseRetryAfter(error.headers?.['retry-after']));
    return new NylasApiRequestError(`${target} responded with HTTP ${error.statusCode}`, error.statusCode, error.requestId, { cause: error });
  }

  // Errors from `fetch` are matched by name, because they can come from another realm (a Jest
  // sandbox), where `instanceof` fails. The SDK itself passes a raw AbortError through in that case.
  const name = typeof error === 'object' && error !== null && 'name' in error ? error.name : undefined;
  if (error instanceof NylasSdkTimeoutError || name === 'AbortError' || name === 'TimeoutError') {
    return new NylasTimeoutError(timeoutMs, { cause: error });
  }
  // Node's fetch rejects with a TypeError when the connection fails. The SDK throws a plain Error
  // for a response whose body is not JSON.
  const detail = name === 'TypeError' ? `${target} could not be reached` : `${target} sent a response that is not Nylas's JSON`;
  return new NylasApiRequestError(detail, undefined, undefined, { cause: error });
}

/** Returns whether the SDK failed because Nylas answered with this HTTP status. */
export function isNylasApiStatus(error: unknown, status: number): boolean {
  return error instanceof NylasApiError && error.statusCode === status;
}

/** Reads `Retry-After` as seconds; an HTTP date becomes the seconds until it. */
function parseRetryAfter(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const date = Date.parse(value);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, Math.ceil((date - Date.now()) / 1000));
}
