import { nowInSeconds, type EmulatorContext } from '../emulator-context.js';
import type { GrantRecord } from '../grant-store.js';

/** Body of a successful POST /v3/connect/token; Nylas sends it bare, not wrapped in `{request_id, data}`. */
export interface TokenResponseBody {
  access_token: string;
  expires_in: number;
  id_token: string;
  email: string;
  /** Only for codes requested with `access_type=offline`, and on refresh. */
  refresh_token?: string;
  /** Space separated, unlike the array in the grant object. */
  scope: string;
  token_type: 'Bearer';
  grant_id: string;
  provider: string;
}

export interface TokenIssue {
  clientId: string;
  grant: GrantRecord;
  scope: string[];
  familyId: string;
  refreshToken?: string;
}

/** Issues an access token and an ID token in the given family and builds the token response. */
export async function issueTokens(emulator: EmulatorContext, issue: TokenIssue): Promise<TokenResponseBody> {
  const { grant } = issue;
  const issuedAt = nowInSeconds();
  const expiresAt = issuedAt + emulator.accessTokenTtlSeconds;
  const fields = { clientId: issue.clientId, grantId: grant.id, familyId: issue.familyId, scope: issue.scope, issuedAt, expiresAt };

  const accessToken = emulator.tokens.issueOpaque('access', fields);
  const idToken = await emulator.signer.sign(
    emulator.issuer,
    { grantId: grant.id, clientId: issue.clientId, email: grant.email, name: grant.name, provider: grant.provider },
    issuedAt,
    expiresAt,
  );
  emulator.tokens.storeIdToken(idToken, fields);

  return {
    access_token: accessToken.value,
    expires_in: emulator.accessTokenTtlSeconds,
    id_token: idToken,
    email: grant.email,
    ...(issue.refreshToken === undefined ? {} : { refresh_token: issue.refreshToken }),
    scope: issue.scope.join(' '),
    token_type: 'Bearer',
    grant_id: grant.id,
    provider: grant.provider,
  };
}
