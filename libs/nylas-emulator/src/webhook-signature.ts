import { createHmac } from 'node:crypto';

/**
 * Computes the `x-nylas-signature` header value: the lowercase hex HMAC-SHA256 of the exact request
 * body bytes, keyed with the webhook secret. For a compressed delivery the body is the gzipped bytes.
 */
export function signWebhookBody(secret: string, body: Buffer | string): string {
  return createHmac('sha256', secret).update(body).digest('hex');
}
