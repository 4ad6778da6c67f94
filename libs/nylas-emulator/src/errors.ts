/**
 * Error classes that route handlers throw; the dispatcher turns each into the response shape
 * that the matching Nylas endpoint uses.
 */

/** OAuth 2.0 error codes from RFC 6749 sections 4.1.2.1 and 5.2, plus `invalid_token` from RFC 6750. */
export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'unsupported_response_type'
  | 'invalid_scope'
  | 'invalid_token'
  | 'access_denied'
  | 'server_error';

/** An error of the OAuth endpoints (token, token info, revoke), sent as `{error, error_description, error_uri, error_code}`. */
export class OAuthError extends Error {
  constructor(
    readonly code: OAuthErrorCode,
    message: string,
    readonly status = 400,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'OAuthError';
  }
}

/** An error of the REST API (grants, control API, unknown routes), sent as `{request_id, error: {type, message}}`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/**
 * An authorization request that must not be redirected, because its client or redirect_uri is unknown.
 * RFC 6749 section 4.1.2.1 forbids redirecting to an unverified URI, so the user sees an error page.
 */
export class AuthorizationPageError extends Error {
  constructor(
    message: string,
    readonly status = 400,
  ) {
    super(message);
    this.name = 'AuthorizationPageError';
  }
}

/** An authorization request with a verified redirect_uri but another fault: the user goes back with `error=...`. */
export class AuthorizationRedirectError extends Error {
  constructor(
    readonly redirectUri: string,
    readonly code: OAuthErrorCode,
    message: string,
    readonly state: string | undefined,
  ) {
    super(message);
    this.name = 'AuthorizationRedirectError';
  }
}

/** A request whose body or URL cannot be read at all. The dispatcher responds in the route's error shape. */
export class MalformedRequestError extends Error {
  constructor(
    readonly status: 400 | 413 | 415,
    message: string,
  ) {
    super(message);
    this.name = 'MalformedRequestError';
  }
}
