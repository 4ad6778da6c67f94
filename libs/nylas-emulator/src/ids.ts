import { createHash, randomBytes, randomUUID } from 'node:crypto';

/** Creates an unguessable opaque value for codes, access tokens and refresh tokens (256 random bits). */
export function newOpaqueToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Creates a request id like the `request_id` that Nylas puts in its API responses. */
export function newRequestId(): string {
  return randomUUID();
}

/** Creates a grant id. Nylas grant ids are UUIDs. */
export function newGrantId(): string {
  return randomUUID();
}

/** Creates a numeric provider account id, shaped like a Google account's `sub`. */
export function newProviderUserId(): string {
  return BigInt(`0x${randomBytes(8).toString('hex')}`).toString().padStart(20, '1');
}

/** Creates the `id` of a webhook event, which receivers use to drop duplicate deliveries. */
export function newEventId(): string {
  return randomUUID();
}

/** Creates the id of a webhook registration. */
export function newWebhookId(): string {
  return randomUUID();
}

/** Creates a webhook signing secret (256 random bits, hex encoded). */
export function newWebhookSecret(): string {
  return randomBytes(32).toString('hex');
}

/** Creates the `login_id` of one authentication. */
export function newLoginId(): string {
  return randomUUID();
}

/**
 * Derives the `integration_id` of an application's connector for one provider. Nylas gives each
 * connector a UUID; the emulator has no connectors, so it derives a stable UUID-shaped value from
 * the client id and provider, which stays the same across restarts.
 */
export function integrationId(clientId: string, provider: string): string {
  const hex = createHash('sha256').update(`${clientId}\n${provider}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
