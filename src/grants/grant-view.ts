import type { NylasGrant } from 'nestjs-nylas-connect';

/** A linked grant as `GET /api/grants` returns it: no tokens, times as ISO 8601 strings. */
export interface GrantView {
  grantId: string;
  email: string;
  provider: string;
  /** Granted scopes, space separated as Nylas returns them. */
  scope: string;
  status: NylasGrant['status'];
  /** When the access token of the last exchange expires; null when unknown. */
  expiresAt: string | null;
  createdAt: string;
}

/** Copies the fields the page shows. The list is explicit, so a column added to the entity is not returned until it is added here. */
export function toGrantView(grant: NylasGrant): GrantView {
  return {
    grantId: grant.grantId,
    email: grant.email,
    provider: grant.provider,
    scope: grant.scope,
    status: grant.status,
    expiresAt: grant.accessTokenExpiresAt === null ? null : new Date(grant.accessTokenExpiresAt).toISOString(),
    createdAt: new Date(grant.createdAt).toISOString(),
  };
}
