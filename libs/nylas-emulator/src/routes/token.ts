import type { RequestContext } from '../emulator-context.js';
import { OAuthError } from '../errors.js';
import { noStore } from '../error-responses.js';
import { sendJson } from '../http-io.js';
import { readBodyParams, requireOAuthParam } from '../request-params.js';
import { exchangeAuthorizationCode } from '../token-exchange/authorization-code-grant.js';
import { exchangeRefreshToken } from '../token-exchange/refresh-token-grant.js';
import type { TokenResponseBody } from '../token-exchange/token-response.js';

/**
 * POST /v3/connect/token with a JSON or form body. Every request counts in the token exchange stats:
 * as a success of its grant type, or as failed.
 */
export async function handleToken(context: RequestContext): Promise<void> {
  let body: TokenResponseBody;
  try {
    body = await exchangeToken(context);
  } catch (error) {
    context.emulator.stats.countExchange('failed');
    throw error;
  }
  sendJson(context.res, 200, body, noStore());
}

async function exchangeToken(context: RequestContext): Promise<TokenResponseBody> {
  const { emulator, req } = context;
  const params = await readBodyParams(req);
  const grantType = requireOAuthParam(params, 'grant_type');

  if (grantType === 'authorization_code') {
    const body = await exchangeAuthorizationCode(emulator, params, req.headers);
    emulator.stats.countExchange('authorizationCode');
    emulator.log(`Exchanged a code for tokens of grant ${body.grant_id}`);
    return body;
  }
  if (grantType === 'refresh_token') {
    const body = await exchangeRefreshToken(emulator, params, req.headers);
    emulator.stats.countExchange('refreshToken');
    emulator.log(`Refreshed an access token of grant ${body.grant_id}`);
    return body;
  }
  throw new OAuthError(
    'unsupported_grant_type',
    `Unsupported grant_type ${JSON.stringify(grantType)}: use authorization_code or refresh_token`,
  );
}
