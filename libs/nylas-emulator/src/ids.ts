import { randomBytes, randomUUID } from 'node:crypto';

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
