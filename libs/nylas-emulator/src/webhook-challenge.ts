import { randomBytes } from 'node:crypto';
import { OutgoingRequestError, sendOutgoingRequest } from './webhook-http.js';

/** Time Nylas gives a new webhook endpoint to respond to the challenge (10 seconds). */
export const CHALLENGE_TIMEOUT_MS = 10_000;

/** A webhook endpoint that failed the challenge handshake, so the webhook was not registered. */
export class WebhookChallengeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WebhookChallengeError';
  }
}

/**
 * Runs the handshake that Nylas runs before it registers a webhook. The endpoint must respond to
 * GET `<url>?challenge=<random>` with 200 and exactly the challenge value as the body within `timeoutMs`.
 * Throws a WebhookChallengeError that names what the endpoint sent and what it must send.
 */
export async function verifyWebhookChallenge(url: URL, timeoutMs: number, signal: AbortSignal): Promise<void> {
  const challenge = randomBytes(16).toString('hex');
  const target = new URL(url);
  target.searchParams.set('challenge', challenge);
  const endpoint = `${url.origin}${url.pathname}`;
  const expected = 'it must respond 200 with the value of the challenge query parameter as the whole body';

  let response;
  try {
    // Reading one byte more than the challenge is enough to tell a longer body from the right one.
    response = await sendOutgoingRequest({ method: 'GET', url: target, timeoutMs, signal, maxResponseBytes: challenge.length + 1 });
  } catch (error) {
    const reason = error instanceof OutgoingRequestError ? error.message : String(error);
    throw new WebhookChallengeError(`Webhook challenge to ${endpoint} failed: ${reason}; ${expected}`);
  }

  if (response.statusCode !== 200) {
    throw new WebhookChallengeError(`Webhook challenge to ${endpoint} failed: it responded HTTP ${response.statusCode}; ${expected}`);
  }
  if (response.body.toString('utf8') !== challenge) {
    throw new WebhookChallengeError(
      `Webhook challenge to ${endpoint} failed: the body is not the challenge value; ${expected}, without quotes or whitespace`,
    );
  }
}
