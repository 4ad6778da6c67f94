import type { IncomingMessage } from 'node:http';
import { MalformedRequestError, OAuthError } from './errors.js';
import { mediaType, parseJsonObject, readBody } from './http-io.js';

/** Request parameters by name; RFC 6749 section 3.1 forbids repeating a parameter, so each has one value. */
export type RequestParams = Record<string, string>;

/** Parameters of a query string or form body, and the names that occurred more than once. */
export interface ParsedParams {
  params: RequestParams;
  duplicates: string[];
}

/** Collects the parameters of a query string or form body; `+` and `%20` both decode to a space. */
export function paramsFromSearch(search: URLSearchParams): ParsedParams {
  const params: RequestParams = Object.create(null) as RequestParams;
  const duplicates = new Set<string>();
  for (const [name, value] of search) {
    if (name in params) {
      duplicates.add(name);
      continue;
    }
    params[name] = value;
  }
  return { params, duplicates: [...duplicates] };
}

/**
 * Reads a JSON or `application/x-www-form-urlencoded` body into parameters.
 * An empty body without a content type gives no parameters. Throws MalformedRequestError
 * for an unreadable body, an unsupported content type or a repeated form parameter.
 */
export async function readBodyParams(req: IncomingMessage): Promise<RequestParams> {
  const body = await readBody(req);
  const type = mediaType(req);

  if (type === 'application/x-www-form-urlencoded') {
    return paramsFromFormBody(body);
  }
  if (type === 'application/json') {
    return paramsFromJsonBody(body);
  }
  if (type === '' && body.length === 0) {
    return Object.create(null) as RequestParams;
  }
  throw new MalformedRequestError(
    415,
    `Unsupported content type ${JSON.stringify(type)}: send application/json or application/x-www-form-urlencoded`,
  );
}

function paramsFromFormBody(body: Buffer): RequestParams {
  const { params, duplicates } = paramsFromSearch(new URLSearchParams(body.toString('utf8')));
  if (duplicates.length > 0) {
    throw new MalformedRequestError(400, `Duplicate parameter: ${duplicates[0]}`);
  }
  return params;
}

/** JSON strings, numbers and booleans become strings; null counts as absent, as in the Nylas SDKs' optional fields. */
function paramsFromJsonBody(body: Buffer): RequestParams {
  const params: RequestParams = Object.create(null) as RequestParams;
  for (const [name, value] of Object.entries(parseJsonObject(body))) {
    if (value === null) {
      continue;
    }
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
      throw new MalformedRequestError(400, `Parameter ${name} must be a string`);
    }
    params[name] = String(value);
  }
  return params;
}

/** Returns a non-empty parameter, or throws the `invalid_request` error that Nylas sends for a missing one. */
export function requireOAuthParam(params: RequestParams, name: string): string {
  const value = params[name];
  if (value === undefined || value === '') {
    throw new OAuthError('invalid_request', `Missing required parameter: ${name}`);
  }
  return value;
}
