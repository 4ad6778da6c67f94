import type { Request } from 'express';

import { InvalidRequestBodyError, JsonBodyRequiredError } from '../errors/client-flow.errors.js';
import { InvalidStartParameterError } from '../errors/start.errors.js';
import type { StartFlowParams } from '../nylas-connection.js';
import type { CodeExchangeInput } from './nylas-client-flow.service.js';

/** Longest `code` or `state` accepted, the same bound the callback URL parser applies. */
const MAX_PARAM_LENGTH = 4096;

/**
 * Returns the JSON body of a request as an object. Other content types are rejected: a page of
 * another site can send a form or plain text without asking, but JSON needs a CORS preflight.
 */
function readJsonObject(request: Request): Record<string, unknown> {
  if (!request.is('application/json')) throw new JsonBodyRequiredError();
  const body: unknown = request.body;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new InvalidRequestBodyError('The request body must be a JSON object.');
  }
  return body as Record<string, unknown>;
}

const FLOW_FIELD_ERROR_CODES = {
  provider: 'invalid_provider',
  loginHint: 'invalid_login_hint',
  returnTo: 'invalid_return_to',
} as const;

/** Reads `{ provider?, loginHint?, returnTo? }` from the body of `POST <routePath>/flows`; the service checks the values. */
export function readClientFlowParams(request: Request): Omit<StartFlowParams, 'userId' | 'mode'> {
  const body = readJsonObject(request);
  const params: Omit<StartFlowParams, 'userId' | 'mode'> = {};
  for (const name of Object.keys(FLOW_FIELD_ERROR_CODES) as Array<keyof typeof FLOW_FIELD_ERROR_CODES>) {
    const value = body[name];
    if (value === undefined || value === null) continue;
    if (typeof value !== 'string') throw new InvalidStartParameterError(FLOW_FIELD_ERROR_CODES[name], `${name} must be a string.`);
    params[name] = value;
  }
  return params;
}

/** Reads `{ code, state }` from the body of `POST <routePath>/exchange`. */
export function readCodeExchangeInput(request: Request): CodeExchangeInput {
  const body = readJsonObject(request);
  return { code: requireParam(body, 'code'), state: requireParam(body, 'state') };
}

function requireParam(body: Record<string, unknown>, name: 'code' | 'state'): string {
  const value = body[name];
  if (typeof value !== 'string' || value === '' || value.length > MAX_PARAM_LENGTH) {
    throw new InvalidRequestBodyError(`"${name}" must be a non-empty string of at most ${MAX_PARAM_LENGTH} characters, as the callback URL carried it.`);
  }
  return value;
}
