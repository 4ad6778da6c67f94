import type { RequestContext } from '../emulator-context.js';
import { ApiError } from '../errors.js';
import { deleteGrant } from '../grant-lifecycle.js';
import type { GrantRecord } from '../grant-store.js';
import { sendJson } from '../http-io.js';
import type { EmulatorClient } from '../options.js';

/** GET /v3/grants/{grantId} with `Authorization: Bearer <api key>`. */
export async function handleGetGrant(context: RequestContext): Promise<void> {
  const grant = findOwnGrant(context);
  sendJson(context.res, 200, { request_id: context.requestId, data: toGrantJson(grant) });
}

/** DELETE /v3/grants/{grantId}: removes the grant, revokes every token issued for it and sends `grant.deleted`. */
export async function handleDeleteGrant(context: RequestContext): Promise<void> {
  const { emulator } = context;
  const grant = findOwnGrant(context);
  deleteGrant(emulator, grant);
  emulator.log(`Deleted grant ${grant.id}`);
  sendJson(context.res, 200, { request_id: context.requestId });
}

/** Grant object as the Nylas grants API returns it; `scope` is an array here. */
export function toGrantJson(grant: GrantRecord): Record<string, unknown> {
  return {
    id: grant.id,
    provider: grant.provider,
    grant_status: grant.status,
    email: grant.email,
    ...(grant.name === undefined ? {} : { name: grant.name }),
    scope: [...grant.scope],
    created_at: grant.createdAt,
    updated_at: grant.updatedAt,
    ...(grant.state === undefined ? {} : { state: grant.state }),
    provider_user_id: grant.providerUserId,
    settings: {},
    ...(grant.credentialId === undefined ? {} : { credential_id: grant.credentialId }),
    blocked: false,
  };
}

/** Finds a grant of the calling application; another application's grant is reported as not found. */
function findOwnGrant(context: RequestContext): GrantRecord {
  const client = authenticateApiKey(context);
  const grantId = context.pathParams.grantId;
  const grant = context.emulator.grants.get(grantId);
  if (!grant || grant.clientId !== client.clientId) {
    throw new ApiError(404, 'not_found_error', `Grant ${JSON.stringify(grantId)} not found`);
  }
  return grant;
}

function authenticateApiKey(context: RequestContext): EmulatorClient {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(context.req.headers.authorization ?? '');
  if (!match) {
    throw new ApiError(401, 'authentication_error', 'Missing API key: send Authorization: Bearer <api key>');
  }
  const client = context.emulator.clients.findByApiKey(match[1]);
  if (!client) {
    throw new ApiError(401, 'authentication_error', 'Invalid API key');
  }
  return client;
}
