import { nowInSeconds, resetEmulatorContext, snapshotStats, type RequestContext } from '../emulator-context.js';
import { isEmulatorEndpoint, EMULATOR_ENDPOINTS } from '../endpoints.js';
import { ApiError, MalformedRequestError } from '../errors.js';
import { validateFault } from '../faults.js';
import { readBody, sendJson, sendNoContent, mediaType } from '../http-io.js';
import type { EmulatorClient } from '../options.js';

/** GET /__emulator/jwks.json: the public key of the ID tokens. Nylas publishes none, hence the emulator's own path. */
export async function handleJwks(context: RequestContext): Promise<void> {
  sendJson(context.res, 200, context.emulator.signer.jwks(), { 'cache-control': 'public, max-age=300' });
}

/** GET /__emulator/stats. */
export async function handleStats(context: RequestContext): Promise<void> {
  sendJson(context.res, 200, snapshotStats(context.emulator));
}

/** POST /__emulator/faults with `{ "endpoint": "token", ...EmulatorFault }`. */
export async function handleInjectFault(context: RequestContext): Promise<void> {
  const { endpoint, ...fault } = await readJsonObject(context);
  if (!isEmulatorEndpoint(endpoint)) {
    throw invalidControlRequest(`endpoint must be one of ${EMULATOR_ENDPOINTS.join(', ')}, got ${JSON.stringify(endpoint)}`);
  }
  context.emulator.faults.add(endpoint, runValidation(() => validateFault(fault)));
  sendNoContent(context.res);
}

/** DELETE /__emulator/faults. */
export async function handleClearFaults(context: RequestContext): Promise<void> {
  context.emulator.faults.clear();
  sendNoContent(context.res);
}

/** POST /__emulator/reset: clears codes, tokens, grants, faults and counters, but keeps the clients. */
export async function handleReset(context: RequestContext): Promise<void> {
  resetEmulatorContext(context.emulator);
  sendNoContent(context.res);
}

/** POST /__emulator/clients with an EmulatorClient body. */
export async function handleAddClient(context: RequestContext): Promise<void> {
  const client = (await readJsonObject(context)) as unknown as EmulatorClient;
  runValidation(() => context.emulator.clients.add(client));
  sendNoContent(context.res);
}

/** POST /__emulator/grants/{grantId}/invalidate: marks a grant expired, as when the user revokes access at the provider. */
export async function handleInvalidateGrant(context: RequestContext): Promise<void> {
  const { emulator, pathParams } = context;
  if (!emulator.grants.invalidate(pathParams.grantId, nowInSeconds())) {
    throw new ApiError(404, 'not_found_error', `Grant ${JSON.stringify(pathParams.grantId)} not found`);
  }
  emulator.tokens.revokeGrant(pathParams.grantId);
  sendNoContent(context.res);
}

async function readJsonObject(context: RequestContext): Promise<Record<string, unknown>> {
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
function runValidation<T>(validate: () => T): T {
  try {
    return validate();
  } catch (error) {
    if (error instanceof TypeError) {
      throw invalidControlRequest(error.message);
    }
    throw error;
  }
}

function invalidControlRequest(message: string): ApiError {
  return new ApiError(400, 'invalid_request_error', message);
}
