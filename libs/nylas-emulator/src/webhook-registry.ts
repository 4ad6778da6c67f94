import { GRANT_WEBHOOK_TRIGGERS, isGrantWebhookTrigger, type GrantWebhookTrigger } from './grant-events.js';
import { newWebhookId, newWebhookSecret } from './ids.js';
import { parseLoopbackUrl } from './loopback-url.js';

/** A webhook to register with `addWebhook()` or POST /__emulator/webhooks. */
export interface EmulatorWebhookOptions {
  /** Endpoint that receives the deliveries; must be an http URL on 127.0.0.1, [::1] or localhost. */
  url: string;
  /** Key of the `x-nylas-signature` HMAC. Default: 64 random hex characters. */
  secret?: string;
  /** Event types to deliver. Default: all four grant triggers. */
  triggers?: GrantWebhookTrigger[];
  /** Gzip each body, send `content-encoding: gzip` and sign the gzipped bytes, as Nylas compressed delivery does. Default false. */
  compressed?: boolean;
}

/** A registered webhook. */
export interface EmulatorWebhook {
  id: string;
  url: string;
  secret: string;
  triggers: GrantWebhookTrigger[];
  compressed: boolean;
}

/**
 * Checks webhook options from a caller or from the control API, fills in the defaults and assigns an id.
 * Throws a TypeError that names the invalid field, including for a URL that is not on a loopback host.
 */
export function validateWebhookOptions(input: unknown): EmulatorWebhook {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new TypeError('A webhook must be an object with url and optional secret, triggers and compressed');
  }
  const { url, secret, triggers, compressed } = input as Partial<Record<keyof EmulatorWebhookOptions, unknown>>;
  const checkedUrl = parseLoopbackUrl(url);

  if (secret !== undefined && (typeof secret !== 'string' || secret === '')) {
    throw new TypeError('Webhook secret must be a non-empty string; leave it out to get a random one');
  }
  if (compressed !== undefined && typeof compressed !== 'boolean') {
    throw new TypeError(`Webhook compressed must be true or false, got ${JSON.stringify(compressed)}`);
  }
  return {
    id: newWebhookId(),
    url: checkedUrl.href,
    secret: secret ?? newWebhookSecret(),
    triggers: validateTriggers(triggers),
    compressed: compressed ?? false,
  };
}

/** Registered webhooks by id. They survive `reset()`, like registered clients. */
export class WebhookRegistry {
  private readonly webhooks = new Map<string, EmulatorWebhook>();

  add(webhook: EmulatorWebhook): void {
    this.webhooks.set(webhook.id, webhook);
  }

  get(webhookId: string): EmulatorWebhook | undefined {
    return this.webhooks.get(webhookId);
  }

  remove(webhookId: string): boolean {
    return this.webhooks.delete(webhookId);
  }

  /** Returns the webhooks whose triggers include `type`, in registration order. */
  subscribedTo(type: GrantWebhookTrigger): EmulatorWebhook[] {
    return [...this.webhooks.values()].filter((webhook) => webhook.triggers.includes(type));
  }
}

function validateTriggers(triggers: unknown): GrantWebhookTrigger[] {
  if (triggers === undefined) {
    return [...GRANT_WEBHOOK_TRIGGERS];
  }
  if (!Array.isArray(triggers) || triggers.length === 0) {
    throw new TypeError(`Webhook triggers must be a non-empty array of ${GRANT_WEBHOOK_TRIGGERS.join(', ')}`);
  }
  for (const trigger of triggers) {
    if (!isGrantWebhookTrigger(trigger)) {
      throw new TypeError(`Unknown webhook trigger ${JSON.stringify(trigger)}: use ${GRANT_WEBHOOK_TRIGGERS.join(', ')}`);
    }
  }
  return [...new Set(triggers as GrantWebhookTrigger[])];
}
