import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EmulatorContext, RequestContext } from './emulator-context.js';
import { ApiError, MalformedRequestError } from './errors.js';
import { sendError } from './error-responses.js';
import { applyFault } from './fault-responder.js';
import { newRequestId } from './ids.js';
import { allowedMethods, matchRoute, type ErrorStyle, type Route, type RouteMatch } from './router.js';

/** Base for parsing request targets; only the path and query of the result are used. */
const REQUEST_URL_BASE = 'http://emulator.invalid';

/**
 * Handles one HTTP request: routes it, counts it, applies an injected fault, runs the handler,
 * and turns any error into a response. It never rejects, so no error reaches the server unhandled.
 */
export async function handleRequest(emulator: EmulatorContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const requestId = newRequestId();
  const startedAt = Date.now();
  res.setHeader('x-request-id', requestId);
  // Browser code such as the official browser library calls the token endpoint across origins.
  res.setHeader('access-control-allow-origin', '*');

  let context: RequestContext = { emulator, req, res, requestId, url: new URL(REQUEST_URL_BASE), pathParams: {} };
  let style: ErrorStyle = 'api';
  try {
    const url = parseRequestUrl(req);
    context = { ...context, url };
    res.on('finish', () => emulator.log(`${req.method} ${url.pathname} ${res.statusCode} ${Date.now() - startedAt} ms`));

    const match = findRoute(req, url);
    style = match.route.errorStyle;
    context = { ...context, pathParams: match.pathParams };
    await dispatch(context, match.route);
  } catch (error) {
    sendError(context, style, error);
  }
}

async function dispatch(context: RequestContext, route: Route): Promise<void> {
  const { req, res, emulator } = context;
  const method = req.method === 'HEAD' ? 'GET' : req.method;

  if (method === 'OPTIONS') {
    sendPreflight(res, route);
    return;
  }
  const handler = route.handlers[method as keyof Route['handlers']];
  if (!handler) {
    const allow = allowedMethods(route).join(', ');
    throw new ApiError(405, 'invalid_request_error', `Method ${req.method} is not allowed on ${context.url.pathname}; use ${allow}`, { allow });
  }

  if (route.endpoint) {
    emulator.stats.countRequest(route.endpoint);
    if ((await applyFault(context, route.endpoint)) === 'answered') {
      return;
    }
  }
  await handler(context);
}

function parseRequestUrl(req: IncomingMessage): URL {
  try {
    return new URL(req.url ?? '/', REQUEST_URL_BASE);
  } catch {
    throw new MalformedRequestError(400, 'Request target is not a valid URL');
  }
}

function findRoute(req: IncomingMessage, url: URL): RouteMatch {
  const match = matchRoute(url.pathname);
  if (!match) {
    throw new ApiError(404, 'not_found_error', `No route for ${req.method} ${url.pathname}`);
  }
  return match;
}

/** Responds to a CORS preflight for the route's methods. */
function sendPreflight(res: ServerResponse, route: Route): void {
  res.writeHead(204, {
    'access-control-allow-methods': allowedMethods(route).join(', '),
    'access-control-allow-headers': 'authorization, content-type',
    'access-control-max-age': '600',
  });
  res.end();
}
