import type { RequestContext } from './emulator-context.js';
import {
  ApiError,
  AuthorizationPageError,
  AuthorizationRedirectError,
  MalformedRequestError,
  OAuthError,
  type OAuthErrorCode,
} from './errors.js';
import { renderErrorPage } from './consent-page.js';
import { acceptsHtml, sendHtml, sendJson, sendRedirect } from './http-io.js';
import { withQueryParams } from './redirect-uri.js';
import type { ErrorStyle } from './router.js';

/** Body of an OAuth error as Nylas sends it from /v3/connect/token. */
export interface OAuthErrorBody {
  error: OAuthErrorCode;
  error_description: string;
  error_uri: string;
  error_code: number;
}

/**
 * Builds the Nylas OAuth error body. Nylas documents its errors on one page per status class
 * (400-response covers 400 to 499), so `error_uri` names the class page.
 */
export function oauthErrorBody(code: OAuthErrorCode, description: string, status: number): OAuthErrorBody {
  const statusClass = Math.floor(status / 100);
  return {
    error: code,
    error_description: description,
    error_uri: `developer.nylas.com/docs/api/errors/${statusClass}00-response/`,
    error_code: status,
  };
}

/**
 * Sends the error response for a failed request, in the shape of the route it reached. Typed errors keep their own shape;
 * MalformedRequestError and unexpected errors take the route's `errorStyle`.
 */
export function sendError(context: RequestContext, style: ErrorStyle, error: unknown): void {
  const { res } = context;
  const socketGone = !res.socket || res.socket.destroyed;
  if (res.headersSent || res.destroyed || socketGone) {
    res.destroy();
    return;
  }

  if (error instanceof OAuthError) {
    sendJson(res, error.status, oauthErrorBody(error.code, error.message, error.status), { ...noStore(), ...error.headers });
  } else if (error instanceof ApiError) {
    sendApiError(context, error.status, error.type, error.message, error.headers);
  } else if (error instanceof AuthorizationRedirectError) {
    sendRedirect(res, authorizationErrorLocation(error));
  } else if (error instanceof AuthorizationPageError) {
    sendAuthorizationPageError(context, error.status, error.message);
  } else if (error instanceof MalformedRequestError) {
    sendMalformedRequestError(context, style, error);
  } else {
    sendUnexpectedError(context, style, error);
  }
}

function sendApiError(
  context: RequestContext,
  status: number,
  type: string,
  message: string,
  headers: Record<string, string> = {},
): void {
  sendJson(context.res, status, { request_id: context.requestId, error: { type, message } }, headers);
}

function authorizationErrorLocation(error: AuthorizationRedirectError): string {
  return withQueryParams(error.redirectUri, {
    error: error.code,
    error_description: error.message,
    state: error.state,
  });
}

/** Shows an HTML page to a browser and the OAuth JSON body to any other client. */
function sendAuthorizationPageError(context: RequestContext, status: number, message: string): void {
  if (acceptsHtml(context.req)) {
    sendHtml(context.res, status, renderErrorPage(message));
    return;
  }
  sendJson(context.res, status, oauthErrorBody('invalid_request', message, status));
}

function sendMalformedRequestError(context: RequestContext, style: ErrorStyle, error: MalformedRequestError): void {
  if (error.status === 413) {
    // The rest of the body is never read, so the connection cannot carry another request.
    context.res.setHeader('connection', 'close');
  }
  if (style === 'oauth') {
    sendJson(context.res, error.status, oauthErrorBody('invalid_request', error.message, error.status), noStore());
  } else if (style === 'page') {
    sendAuthorizationPageError(context, error.status, error.message);
  } else {
    sendApiError(context, error.status, 'invalid_request_error', error.message);
  }
}

function sendUnexpectedError(context: RequestContext, style: ErrorStyle, error: unknown): void {
  const reason = error instanceof Error ? error.message : String(error);
  context.emulator.log(`Internal error on ${context.req.method} ${context.url.pathname} (request ${context.requestId}): ${reason}`);

  const message = 'Internal error in the Nylas emulator; see its log for the cause';
  if (style === 'api') {
    sendApiError(context, 500, 'internal_error', message);
  } else {
    sendJson(context.res, 500, oauthErrorBody('server_error', message, 500));
  }
}

/** Headers that RFC 6749 section 5.1 requires on token responses, errors included. */
export function noStore(): Record<string, string> {
  return { 'cache-control': 'no-store', pragma: 'no-cache' };
}
