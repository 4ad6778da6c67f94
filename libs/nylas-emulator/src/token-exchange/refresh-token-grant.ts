import type { IncomingHttpHeaders } from 'node:http';
import { nowInSeconds, type EmulatorContext } from '../emulator-context.js';
import { OAuthError } from '../errors.js';
import { requireOAuthParam, type RequestParams } from '../request-params.js';
import { authenticateClient, invalidClient } from './client-authentication.js';
import { issueTokens, type TokenResponseBody } from './token-response.js';

/**
 * Refreshes an access token (`grant_type=refresh_token`, RFC 6749 section 6). The client secret is required.
 * Refresh tokens do not rotate: the response repeats the same refresh token, which stays valid until it
 * is revoked or its grant is deleted. Nylas does not document rotation; RFC 6749 leaves it optional.
 */
export async function exchangeRefreshToken(
  emulator: EmulatorContext,
  params: RequestParams,
  headers: IncomingHttpHeaders,
): Promise<TokenResponseBody> {
  const refreshToken = requireOAuthParam(params, 'refresh_token');
  const { client, secretVerified } = authenticateClient(params, headers.authorization, emulator.clients);
  if (!secretVerified) {
    throw invalidClient('Client authentication failed: refreshing a token needs the API key as client_secret', headers.authorization);
  }

  const record = emulator.tokens.findActive(refreshToken, 'refresh', nowInSeconds());
  if (!record || record.clientId !== client.clientId) {
    throw new OAuthError('invalid_grant', 'Refresh token is invalid or revoked');
  }
  const grant = emulator.grants.get(record.grantId);
  if (!grant || grant.status !== 'valid') {
    throw new OAuthError('invalid_grant', 'The grant of this refresh token was deleted or has expired; the user must authenticate again');
  }

  return issueTokens(emulator, { clientId: client.clientId, grant, scope: record.scope, familyId: record.familyId, refreshToken });
}
