import { nowInSeconds, type RequestContext } from '../emulator-context.js';
import { OAuthError } from '../errors.js';
import { sendJson } from '../http-io.js';
import { paramsFromSearch } from '../request-params.js';
import type { TokenKind } from '../token-store.js';

/**
 * GET /v3/connect/tokeninfo?id_token=... or ?access_token=...: validates a token server side.
 * An ID token shares the fate of the access token issued with it, so revoking either ends both.
 */
export async function handleTokenInfo(context: RequestContext): Promise<void> {
  const { emulator } = context;
  const { value, kind } = readTokenParam(context.url.searchParams);

  const record = emulator.tokens.findActive(value, kind, nowInSeconds());
  const grant = record && emulator.grants.get(record.grantId);
  if (!record || !grant || grant.status !== 'valid') {
    throw new OAuthError('invalid_token', 'Token expired or revoked');
  }

  sendJson(context.res, 200, {
    request_id: context.requestId,
    data: {
      iss: emulator.issuer,
      aud: record.clientId,
      sub: grant.id,
      email: grant.email,
      iat: record.issuedAt,
      exp: record.expiresAt,
    },
  });
}

function readTokenParam(search: URLSearchParams): { value: string; kind: TokenKind } {
  const { params, duplicates } = paramsFromSearch(search);
  if (duplicates.length > 0) {
    throw new OAuthError('invalid_request', `Duplicate parameter: ${duplicates[0]}`);
  }
  const idToken = params.id_token || undefined;
  const accessToken = params.access_token || undefined;
  if ((idToken === undefined) === (accessToken === undefined)) {
    throw new OAuthError('invalid_request', 'Send exactly one of the parameters id_token and access_token');
  }
  return idToken !== undefined ? { value: idToken, kind: 'id' } : { value: accessToken!, kind: 'access' };
}
