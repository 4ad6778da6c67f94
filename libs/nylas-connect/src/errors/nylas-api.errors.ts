import { NylasConnectError } from './nylas-connect.error.js';

/** Nylas could not be reached, or responded with a server error or a body that is not its JSON. */
export class NylasUnavailableError extends NylasConnectError {
  constructor(
    detail: string,
    readonly upstreamStatus?: number,
    options?: { cause?: unknown },
  ) {
    super('nylas_unavailable', `Nylas is unavailable (${detail}). Try again later.`, 502, options);
  }
}

/** Nylas did not respond within `requestTimeoutMs`. */
export class NylasTimeoutError extends NylasConnectError {
  constructor(timeoutMs: number, options?: { cause?: unknown }) {
    super('nylas_timeout', `Nylas did not respond within ${timeoutMs} ms. Start again later.`, 504, options);
  }
}

/** Nylas responded with 429. `retryAfterSeconds` comes from its `Retry-After` header when present. */
export class NylasRateLimitedError extends NylasConnectError {
  constructor(readonly retryAfterSeconds?: number) {
    const wait = retryAfterSeconds === undefined ? 'a moment' : `${retryAfterSeconds} seconds`;
    super('nylas_rate_limited', `Nylas is rate limiting this application. Start again after ${wait}.`, 503);
  }
}

/** The token endpoint responded with 200 and a body that lacks a required field or has a malformed one. */
export class InvalidTokenResponseError extends NylasConnectError {
  constructor(field: string) {
    super('invalid_token_response', `Nylas returned no valid "${field}" from the code exchange. Start again, and report it if it persists.`, 502);
  }
}

/** The ID token failed a check: format, signature, issuer, audience, lifetime or subject. */
export class InvalidIdTokenError extends NylasConnectError {
  constructor(
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super('invalid_id_token', `The ID token from Nylas failed verification (${reason}). Start again; check idTokenIssuer and jwksUri if it persists.`, 502, options);
  }
}
