import { NylasConnectError } from './nylas-connect.error.js';

/** Origin of an OAuth error: the redirect back from Nylas, or the token endpoint. */
export type OAuthErrorSource = 'authorization' | 'token';

/**
 * An OAuth 2.0 error returned by Nylas (RFC 6749, sections 4.1.2.1 and 5.2). `code` is the
 * OAuth error code when it is a standard one, else `oauth_error`. Nylas's `error_description`
 * is kept in `description` for operators and is never sent to clients.
 */
export class NylasOAuthError extends NylasConnectError {
  constructor(
    code: string,
    message: string,
    status: number,
    readonly source: OAuthErrorSource,
    readonly description?: string,
  ) {
    super(code, message, status);
  }
}

type OAuthErrorClass = new (source: OAuthErrorSource, description?: string) => NylasOAuthError;

function defineOAuthError(code: string, message: string, status: number): OAuthErrorClass {
  return class extends NylasOAuthError {
    constructor(source: OAuthErrorSource, description?: string) {
      super(code, message, status, source, description);
    }
  };
}

/** The user declined consent at Nylas or at the provider. */
export class NylasAccessDeniedError extends defineOAuthError(
  'access_denied',
  'The mailbox was not connected because access was denied. Start again to retry.',
  403,
) {}

/** Nylas rejected the request as malformed. */
export class NylasInvalidRequestError extends defineOAuthError(
  'invalid_request',
  'Nylas rejected the authorization request as invalid. Start again; if it persists, check the module options.',
  400,
) {}

/** Nylas did not accept the client id or API key. */
export class NylasInvalidClientError extends defineOAuthError(
  'invalid_client',
  'Nylas did not accept the application credentials. Check the clientId and apiKey options.',
  502,
) {}

/** The authorization code is invalid, expired or used, or the PKCE verifier does not match. */
export class NylasInvalidGrantError extends defineOAuthError(
  'invalid_grant',
  'Nylas rejected the authorization code because it is invalid, expired or already used. Start again.',
  400,
) {}

/** The application may not use this grant type or flow. */
export class NylasUnauthorizedClientError extends defineOAuthError(
  'unauthorized_client',
  'Nylas does not allow this application to use this flow. Check the Nylas application settings.',
  502,
) {}

/** Nylas does not support the grant type. */
export class NylasUnsupportedGrantTypeError extends defineOAuthError(
  'unsupported_grant_type',
  'Nylas does not support the requested grant type.',
  502,
) {}

/** Nylas does not support `response_type=code` for this application. */
export class NylasUnsupportedResponseTypeError extends defineOAuthError(
  'unsupported_response_type',
  'Nylas does not support the requested response type. Check the Nylas application settings.',
  502,
) {}

/** A requested scope is unknown or not allowed. */
export class NylasInvalidScopeError extends defineOAuthError(
  'invalid_scope',
  'Nylas rejected the requested scopes. Check the scope option against the connector.',
  400,
) {}

/** Nylas failed while authorizing. */
export class NylasServerError extends defineOAuthError(
  'server_error',
  'Nylas failed while connecting the mailbox. Try again later.',
  502,
) {}

/** Nylas is overloaded or down for maintenance. */
export class NylasTemporarilyUnavailableError extends defineOAuthError(
  'temporarily_unavailable',
  'Nylas is temporarily unavailable. Try again later.',
  503,
) {}

const OAUTH_ERRORS: Record<string, OAuthErrorClass> = {
  access_denied: NylasAccessDeniedError,
  invalid_request: NylasInvalidRequestError,
  invalid_client: NylasInvalidClientError,
  invalid_grant: NylasInvalidGrantError,
  unauthorized_client: NylasUnauthorizedClientError,
  unsupported_grant_type: NylasUnsupportedGrantTypeError,
  unsupported_response_type: NylasUnsupportedResponseTypeError,
  invalid_scope: NylasInvalidScopeError,
  server_error: NylasServerError,
  temporarily_unavailable: NylasTemporarilyUnavailableError,
};

/**
 * Builds the typed error for an OAuth `error` value. An unknown value, which can be anything an
 * attacker puts in the callback URL, becomes a generic `oauth_error` and is not echoed.
 */
export function createOAuthError(error: string, source: OAuthErrorSource, description?: string): NylasOAuthError {
  const ErrorClass = Object.hasOwn(OAUTH_ERRORS, error) ? OAUTH_ERRORS[error] : undefined;
  if (ErrorClass) return new ErrorClass(source, description);
  const status = source === 'token' ? 502 : 400;
  return new NylasOAuthError('oauth_error', 'Nylas returned an unknown OAuth error. Start again.', status, source, description);
}
