import type { GrantRecord } from './grant-store.js';
import { integrationId, newEventId, newLoginId } from './ids.js';

/** The grant webhook triggers of Nylas v3, which are the only ones the emulator sends. */
export const GRANT_WEBHOOK_TRIGGERS = ['grant.created', 'grant.updated', 'grant.deleted', 'grant.expired'] as const;

export type GrantWebhookTrigger = (typeof GRANT_WEBHOOK_TRIGGERS)[number];

/** Nylas notification codes (`data.object.code`) of the grant events. */
export const GRANT_EVENT_CODES = {
  created: 25012,
  updated: 25014,
  reauthenticated: 25027,
  deleted: 25013,
  expired: 25009,
} as const;

/** One grant event; every delivery of it, retries included, carries the same `id`. */
export interface GrantWebhookEvent {
  id: string;
  type: GrantWebhookTrigger;
  /** Unix seconds when the event happened. */
  time: number;
  /** The client id of the grant's application, sent as `data.application_id`. */
  applicationId: string;
  /** `data.object` of the notification. */
  object: Record<string, unknown>;
}

/** Details of the change that the caller supplies. */
export interface GrantEventDetails {
  /** For `grant.updated`: the same mailbox authenticated again (code 25027 instead of 25014). */
  reauthentication?: boolean;
  /** For `grant.expired`: `updated_at` of the grant before it expired. Default: the grant's `updatedAt`. */
  grantUpdatedAt?: number;
}

export function isGrantWebhookTrigger(value: unknown): value is GrantWebhookTrigger {
  return typeof value === 'string' && (GRANT_WEBHOOK_TRIGGERS as readonly string[]).includes(value);
}

/**
 * Builds a grant event with the `data.object` fields that the Nylas notification schemas list for its type.
 * The schemas list `email` only for updated and expired grants. The emulator sends it with all four types,
 * so that a receiver can always match the event to a user.
 */
export function buildGrantEvent(
  type: GrantWebhookTrigger,
  grant: GrantRecord,
  time: number,
  details: GrantEventDetails = {},
): GrantWebhookEvent {
  const common = { grant_id: grant.id, integration_id: integrationId(grant.clientId, grant.provider) };
  let object: Record<string, unknown>;
  switch (type) {
    case 'grant.created':
      object = { code: GRANT_EVENT_CODES.created, ...common, login_id: newLoginId(), provider: grant.provider, email: grant.email };
      break;
    case 'grant.updated':
      object = {
        code: details.reauthentication ? GRANT_EVENT_CODES.reauthenticated : GRANT_EVENT_CODES.updated,
        ...common,
        provider: grant.provider,
        email: grant.email,
        reauthentication_flag: details.reauthentication === true,
      };
      break;
    case 'grant.deleted':
      object = { code: GRANT_EVENT_CODES.deleted, ...common, provider: grant.provider, email: grant.email };
      break;
    case 'grant.expired':
      object = {
        code: GRANT_EVENT_CODES.expired,
        ...common,
        provider: grant.provider,
        email: grant.email,
        grant_updated_at: details.grantUpdatedAt ?? grant.updatedAt,
      };
      break;
  }
  return { id: newEventId(), type, time, applicationId: grant.clientId, object };
}
