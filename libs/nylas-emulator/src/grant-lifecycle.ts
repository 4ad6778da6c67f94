/**
 * Grant changes that Nylas reports through grant webhooks. Each function changes the grant and then
 * hands the matching event to the dispatcher, which delivers it in the background.
 */

import { nowInSeconds, type EmulatorContext } from './emulator-context.js';
import { buildGrantEvent } from './grant-events.js';
import type { GrantAuthentication, GrantRecord } from './grant-store.js';

/** Creates the grant of a mailbox (`grant.created`) or re-authenticates it (`grant.updated`, code 25027). */
export function authenticateGrant(emulator: EmulatorContext, authentication: GrantAuthentication): GrantRecord {
  const now = nowInSeconds();
  const { grant, created } = emulator.grants.authenticate(authentication, now);
  const event = created
    ? buildGrantEvent('grant.created', grant, now)
    : buildGrantEvent('grant.updated', grant, now, { reauthentication: true });
  emulator.webhookDispatcher.dispatch(event);
  return grant;
}

/**
 * Marks a grant as expired and revokes its tokens, as when the provider stops accepting its credentials,
 * and sends `grant.expired` with the `updated_at` from before the change. A grant that has already
 * expired sends no second event. Returns false for an unknown grant.
 */
export function expireGrant(emulator: EmulatorContext, grantId: string): boolean {
  const grant = emulator.grants.get(grantId);
  if (!grant) {
    return false;
  }
  const wasValid = grant.status === 'valid';
  const grantUpdatedAt = grant.updatedAt;
  const now = nowInSeconds();

  emulator.grants.invalidate(grantId, now);
  emulator.tokens.revokeGrant(grantId);
  if (wasValid) {
    emulator.webhookDispatcher.dispatch(buildGrantEvent('grant.expired', grant, now, { grantUpdatedAt }));
  }
  return true;
}

/** Deletes a grant, revokes every token issued for it, and sends `grant.deleted`. */
export function deleteGrant(emulator: EmulatorContext, grant: GrantRecord): void {
  emulator.grants.delete(grant.id);
  emulator.tokens.revokeGrant(grant.id);
  emulator.webhookDispatcher.dispatch(buildGrantEvent('grant.deleted', grant, nowInSeconds()));
}
