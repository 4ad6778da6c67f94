import { resetEmulatorContext, snapshotStats, type RequestContext } from '../emulator-context.js';
import { isEmulatorEndpoint, EMULATOR_ENDPOINTS } from '../endpoints.js';
import { ApiError } from '../errors.js';
import { validateFault } from '../faults.js';
import { expireGrant } from '../grant-lifecycle.js';
import { sendJson, sendNoContent } from '../http-io.js';
import type { EmulatorClient } from '../options.js';
import { invalidControlRequest, readJsonObject, runValidation } from './control-request.js';

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

/** POST /__emulator/reset: clears codes, tokens, grants, faults, counters and webhook deliveries, but keeps clients and webhooks. */
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

/**
 * POST /__emulator/grants/{grantId}/invalidate: marks a grant expired, as when the user revokes access at the
 * provider, and sends `grant.expired`.
 */
export async function handleInvalidateGrant(context: RequestContext): Promise<void> {
  const { emulator, pathParams } = context;
  if (!expireGrant(emulator, pathParams.grantId)) {
    throw new ApiError(404, 'not_found_error', `Grant ${JSON.stringify(pathParams.grantId)} not found`);
  }
  sendNoContent(context.res);
}
