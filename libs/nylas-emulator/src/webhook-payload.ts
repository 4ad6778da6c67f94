import { gzipSync } from 'node:zlib';
import type { GrantWebhookEvent } from './grant-events.js';
import type { EmulatorWebhook } from './webhook-registry.js';
import { signWebhookBody } from './webhook-signature.js';

/** The bytes and headers of one delivery attempt. */
export interface WebhookPayload {
  body: Buffer;
  headers: Record<string, string | number>;
}

/**
 * Serializes the Nylas notification envelope for one attempt. The keys keep the order in which Nylas
 * sends them, though receivers must verify the signature over the raw bytes and never re-serialize.
 */
export function serializeEnvelope(event: GrantWebhookEvent, attempt: number): string {
  return JSON.stringify({
    specversion: '1.0',
    type: event.type,
    source: '/nylas/system',
    id: event.id,
    time: event.time,
    webhook_delivery_attempt: attempt,
    data: { application_id: event.applicationId, object: event.object },
  });
}

/** Builds the signed request body for one attempt, gzipped when the webhook asked for compressed delivery. */
export function buildWebhookPayload(event: GrantWebhookEvent, attempt: number, webhook: EmulatorWebhook): WebhookPayload {
  const json = Buffer.from(serializeEnvelope(event, attempt), 'utf8');
  const body = webhook.compressed ? gzipSync(json) : json;

  const headers: Record<string, string | number> = {
    'content-type': 'application/json',
    'content-length': body.length,
    // Nylas signs the bytes on the wire, so a compressed body is signed after gzip.
    'x-nylas-signature': signWebhookBody(webhook.secret, body),
  };
  if (webhook.compressed) {
    headers['content-encoding'] = 'gzip';
  }
  return { body, headers };
}
