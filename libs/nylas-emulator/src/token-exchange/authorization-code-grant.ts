import type { IncomingHttpHeaders } from 'node:http';
import type { AuthorizationCodeRecord } from '../code-store.js';
import { nowInSeconds, type EmulatorContext } from '../emulator-context.js';
import { OAuthError } from '../errors.js';
import { verifyCodeVerifier } from '../pkce.js';
import { requireOAuthParam, type RequestParams } from '../request-params.js';
import { authenticateClient, invalidClient } from './client-authentication.js';
import { issueTokens, type TokenResponseBody } from './token-response.js';

/**
 * Exchanges an authorization code (`grant_type=authorization_code`, RFC 6749 section 4.1.3).
 *
 * A code counts as used once a request from its own client presents it, even when that request fails.
 * Nylas advises clients to restart the flow after a failed exchange, and a code that survived failures
 * would let a caller guess PKCE verifiers. Presenting a used code again revokes the tokens issued for it.
 */
export async function exchangeAuthorizationCode(
  emulator: EmulatorContext,
  params: RequestParams,
  headers: IncomingHttpHeaders,
): Promise<TokenResponseBody> {
  const code = requireOAuthParam(params, 'code');
  const redirectUri = requireOAuthParam(params, 'redirect_uri');
  const { client, secretVerified } = authenticateClient(params, headers.authorization, emulator.clients);

  const record = emulator.codes.find(code);
  // A code of another client is reported like an unknown one, so that it stays usable for its owner.
  if (!record || record.clientId !== client.clientId) {
    throw invalidGrant('Invalid authorization code');
  }
  if (record.consumed) {
    if (record.familyId !== undefined) {
      emulator.tokens.revokeFamily(record.familyId);
    }
    emulator.log(`Authorization code for grant ${record.grantId} was presented again; revoked the tokens issued for it`);
    throw invalidGrant('Authorization code has already been used');
  }
  record.consumed = true;

  if (Date.now() >= record.expiresAt) {
    throw invalidGrant('Authorization code has expired');
  }
  if (redirectUri !== record.redirectUri) {
    throw invalidGrant('redirect_uri does not match the redirect_uri of the authorization request');
  }
  verifyProofOfPossession(record, params.code_verifier, secretVerified, headers.authorization);

  const grant = emulator.grants.get(record.grantId);
  if (!grant || grant.status !== 'valid') {
    throw invalidGrant('The grant of this authorization code was deleted or has expired');
  }

  const familyId = emulator.tokens.newFamilyId();
  record.familyId = familyId;
  const refreshToken = record.accessType === 'offline' ? issueRefreshToken(emulator, record, familyId) : undefined;
  return issueTokens(emulator, { clientId: client.clientId, grant, scope: record.scope, familyId, refreshToken });
}

function issueRefreshToken(emulator: EmulatorContext, record: AuthorizationCodeRecord, familyId: string): string {
  const refreshToken = emulator.tokens.issueOpaque('refresh', {
    clientId: record.clientId,
    grantId: record.grantId,
    familyId,
    scope: record.scope,
    issuedAt: nowInSeconds(),
  });
  return refreshToken.value;
}

/**
 * Checks that the caller may redeem the code. A code issued with a `code_challenge` always needs the
 * matching verifier, even with a correct secret (RFC 7636 section 4.6). Any other code needs the secret.
 */
function verifyProofOfPossession(
  record: AuthorizationCodeRecord,
  codeVerifier: string | undefined,
  secretVerified: boolean,
  authorization: string | undefined,
): void {
  if (record.codeChallenge === undefined || record.codeChallengeMethod === undefined) {
    // Follows OAuth 2.1 (draft-ietf-oauth-v2-1 section 4.1.3): a verifier without a challenge means the client mixed up its flows.
    if (codeVerifier) {
      throw invalidGrant('code_verifier was sent, but the authorization request had no code_challenge');
    }
    if (!secretVerified) {
      throw invalidClient('Client authentication failed: send the API key as client_secret, or use PKCE', authorization);
    }
    return;
  }

  if (!codeVerifier) {
    throw new OAuthError('invalid_request', 'Missing required parameter: code_verifier');
  }
  if (!verifyCodeVerifier(codeVerifier, record.codeChallenge, record.codeChallengeMethod)) {
    throw invalidGrant('Code verifier challenge failed');
  }
}

function invalidGrant(message: string): OAuthError {
  return new OAuthError('invalid_grant', message);
}
