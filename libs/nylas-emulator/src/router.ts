import type { EmulatorEndpoint } from './endpoints.js';
import type { RequestContext } from './emulator-context.js';
import { MalformedRequestError } from './errors.js';
import { handleAuthorize, handleConsent } from './routes/connect-auth.js';
import {
  handleAddClient,
  handleClearFaults,
  handleInjectFault,
  handleInvalidateGrant,
  handleJwks,
  handleReset,
  handleStats,
} from './routes/control.js';
import { handleDeleteGrant, handleGetGrant } from './routes/grants.js';
import { handleRevoke } from './routes/revoke.js';
import { handleTokenInfo } from './routes/token-info.js';
import { handleToken } from './routes/token.js';
import { handleAddWebhook, handleRemoveWebhook } from './routes/webhooks.js';

export type RouteHandler = (context: RequestContext) => Promise<void>;

/**
 * Response shape for errors on a route that are not already typed for one shape:
 * `page` for the browser-facing authorization endpoints, `oauth` for the OAuth endpoints,
 * `api` for the REST API and the control API.
 */
export type ErrorStyle = 'page' | 'oauth' | 'api';

export interface Route {
  /** Path with `{name}` placeholders for single segments. */
  path: string;
  /** Endpoint group for request counts and faults; control routes have none. */
  endpoint?: EmulatorEndpoint;
  errorStyle: ErrorStyle;
  handlers: Partial<Record<'GET' | 'POST' | 'DELETE', RouteHandler>>;
}

export const ROUTES: readonly Route[] = [
  { path: '/v3/connect/auth', endpoint: 'auth', errorStyle: 'page', handlers: { GET: handleAuthorize } },
  { path: '/v3/connect/auth/consent', endpoint: 'consent', errorStyle: 'page', handlers: { POST: handleConsent } },
  { path: '/v3/connect/token', endpoint: 'token', errorStyle: 'oauth', handlers: { POST: handleToken } },
  { path: '/v3/connect/tokeninfo', endpoint: 'tokeninfo', errorStyle: 'oauth', handlers: { GET: handleTokenInfo } },
  { path: '/v3/connect/revoke', endpoint: 'revoke', errorStyle: 'oauth', handlers: { POST: handleRevoke } },
  {
    path: '/v3/grants/{grantId}',
    endpoint: 'grants',
    errorStyle: 'api',
    handlers: { GET: handleGetGrant, DELETE: handleDeleteGrant },
  },
  { path: '/__emulator/jwks.json', endpoint: 'jwks', errorStyle: 'api', handlers: { GET: handleJwks } },
  { path: '/__emulator/stats', errorStyle: 'api', handlers: { GET: handleStats } },
  { path: '/__emulator/faults', errorStyle: 'api', handlers: { POST: handleInjectFault, DELETE: handleClearFaults } },
  { path: '/__emulator/reset', errorStyle: 'api', handlers: { POST: handleReset } },
  { path: '/__emulator/clients', errorStyle: 'api', handlers: { POST: handleAddClient } },
  { path: '/__emulator/grants/{grantId}/invalidate', errorStyle: 'api', handlers: { POST: handleInvalidateGrant } },
  { path: '/__emulator/webhooks', errorStyle: 'api', handlers: { POST: handleAddWebhook } },
  { path: '/__emulator/webhooks/{webhookId}', errorStyle: 'api', handlers: { DELETE: handleRemoveWebhook } },
];

export interface RouteMatch {
  route: Route;
  pathParams: Record<string, string>;
}

/**
 * Finds the route for a request path. Throws MalformedRequestError when a placeholder segment
 * has invalid percent-encoding.
 */
export function matchRoute(pathname: string): RouteMatch | undefined {
  const segments = pathname.split('/');
  for (const route of ROUTES) {
    const pathParams = matchSegments(route.path.split('/'), segments);
    if (pathParams) {
      return { route, pathParams };
    }
  }
  return undefined;
}

/** Returns the methods a route handles, for `Allow` headers and CORS preflights. */
export function allowedMethods(route: Route): string[] {
  return Object.keys(route.handlers);
}

function matchSegments(pattern: string[], segments: string[]): Record<string, string> | undefined {
  if (pattern.length !== segments.length) {
    return undefined;
  }
  const rawParams: Array<[string, string]> = [];
  for (let i = 0; i < pattern.length; i += 1) {
    const expected = pattern[i];
    const actual = segments[i];
    if (expected.startsWith('{') && expected.endsWith('}')) {
      if (actual === '') {
        return undefined;
      }
      rawParams.push([expected.slice(1, -1), actual]);
    } else if (expected !== actual) {
      return undefined;
    }
  }

  // Decode only after the whole path matched, so a bad segment on another route stays a 404.
  const pathParams: Record<string, string> = {};
  for (const [name, raw] of rawParams) {
    pathParams[name] = decodeSegment(raw);
  }
  return pathParams;
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new MalformedRequestError(400, `Path segment ${JSON.stringify(segment)} has invalid percent-encoding`);
  }
}
