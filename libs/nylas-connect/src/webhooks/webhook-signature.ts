import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Returns whether `signature` is the lowercase hex HMAC-SHA256 of `body` keyed with `secret`, as
 * Nylas sends it in `x-nylas-signature`. The comparison takes the same time wherever the first
 * difference is.
 */
export function isValidNylasSignature(body: Buffer, signature: string | undefined, secret: string): boolean {
  if (typeof signature !== 'string' || !/^[0-9a-fA-F]{64}$/.test(signature)) return false;
  const expected = createHmac('sha256', secret).update(body).digest();
  return timingSafeEqual(expected, Buffer.from(signature, 'hex'));
}
