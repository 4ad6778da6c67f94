import type { RequestContext } from '../emulator-context.js';
import { ApiError, MalformedRequestError } from '../errors.js';
import { mediaType, parseJsonObject, readBody } from '../http-io.js';

/** Reads the JSON object body of a control API request. */
export async function readJsonObject(context: RequestContext): Promise<Record<string, unknown>> {
  const body = await readBody(context.req);
  if (mediaType(context.req) !== 'application/json') {
    throw new MalformedRequestError(415, 'The control API accepts only application/json bodies');
  }
  return parseJsonObject(body);
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
