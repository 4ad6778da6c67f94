import { HttpStatus } from '@nestjs/common';
import { NylasConnectError } from 'nestjs-nylas-connect';

/** Builds the message of a 429 response, with the wait when it is known. */
export function describeRateLimit(retryAfterSeconds: number | undefined): string {
  const known = retryAfterSeconds !== undefined && Number.isInteger(retryAfterSeconds) && retryAfterSeconds > 0;
  const wait = known ? `Try again in ${retryAfterSeconds} seconds.` : 'Try again later.';
  return `Too many requests from this address. ${wait}`;
}

/**
 * A request past the demo's rate limit on the Nylas routes. It extends the library's error class,
 * so the library's filters on the start and callback routes handle it like their own errors. A
 * pop-up start then gets the pop-up page with the code, and a browser's callback a redirect with
 * `nylas_error=rate_limited`. A JSON client gets `{ statusCode: 429, error: 'rate_limited', message }`.
 */
export class RateLimitedError extends NylasConnectError {
  constructor(retryAfterSeconds?: number) {
    super('rate_limited', describeRateLimit(retryAfterSeconds), HttpStatus.TOO_MANY_REQUESTS);
  }
}
