import type { RequestContext } from '../emulator-context.js';
import { ApiError, MalformedRequestError } from '../errors.js';
import { mediaType, readBody } from '../http-io.js';

/** Reads the JSON object body of a control API request. */
export async function readJsonObject(context: RequestContext): Promise<Record<string, unknown>> {
  const body = await readBody(context.req);
  if (mediaType(context.req) !== 'application/json') {
    throw new MalformedRequestError(415, 'The control API accepts only application/json bodies');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    throw new MalformedRequestError(400, 'Request body is not valid JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new MalformedRequestError(400, 'Request body must be a JSON object');
  }
  return parsed as Record<string, unknown>;
}

/** Runs a validation and turns its TypeError into a 400 response. */
export function runValidation<T>(validate: () => T): T {
  try {
    return validate();
  } catch (error) {
    if (error instanceof TypeError) {
      throw invalidControlRequest(error.message);
    }
    throw error;
  }
}

export function invalidControlRequest(message: string): ApiError {
  return new ApiError(400, 'invalid_request_error', message);
}
