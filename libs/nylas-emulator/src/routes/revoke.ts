import type { RequestContext } from '../emulator-context.js';
import { OAuthError } from '../errors.js';
import { sendJson } from '../http-io.js';
import { readBodyParams } from '../request-params.js';

/**
 * POST /v3/connect/revoke?token=...: revokes the token's whole family (the refresh token and every
 * access and ID token issued with it or from it); the grant stays. Nylas takes the token in the query
 * string; the emulator also reads a form or JSON body as RFC 7009 describes. An unknown token also
 * gets 200, because RFC 7009 section 2.2 treats it as already revoked.
 */
export async function handleRevoke(context: RequestContext): Promise<void> {
  const token = context.url.searchParams.get('token') || (await readBodyParams(context.req)).token;
  if (!token) {
    throw new OAuthError('invalid_request', 'Missing required parameter: token');
  }

  if (context.emulator.tokens.revoke(token)) {
    context.emulator.log('Revoked a token family');
  }
  sendJson(context.res, 200, {});
}
