import type { EmulatorContext } from './emulator-context.js';
import { CHALLENGE_TIMEOUT_MS, verifyWebhookChallenge } from './webhook-challenge.js';
import { validateWebhookOptions, type EmulatorWebhook } from './webhook-registry.js';

/**
 * Validates the options, runs the challenge handshake against the URL, and registers the webhook.
 * Throws a TypeError for invalid options and a WebhookChallengeError when the endpoint fails the
 * handshake; in both cases nothing is registered.
 */
export async function registerWebhook(emulator: EmulatorContext, input: unknown): Promise<EmulatorWebhook> {
  const webhook = validateWebhookOptions(input);
  const url = new URL(webhook.url);
  // A shorter webhookTimeoutMs also shortens the handshake, so that a test of a silent endpoint need not wait 10 s.
  await verifyWebhookChallenge(url, Math.min(emulator.webhookTimeoutMs, CHALLENGE_TIMEOUT_MS), emulator.closing);

  emulator.webhooks.add(webhook);
  emulator.log(`Registered webhook ${webhook.id} for ${url.origin}${url.pathname} (${webhook.triggers.join(', ')})`);
  return copyWebhook(webhook);
}

/** Returns a copy, so that a caller who changes it cannot change the registration. */
export function copyWebhook(webhook: EmulatorWebhook): EmulatorWebhook {
  return { ...webhook, triggers: [...webhook.triggers] };
}
