import { setMaxListeners } from 'node:events';
import { setTimeout as delay } from 'node:timers/promises';
import type { GrantWebhookEvent, GrantWebhookTrigger } from './grant-events.js';
import type { StatsCounter } from './stats.js';
import { OutgoingRequestError, sendOutgoingRequest } from './webhook-http.js';
import { buildWebhookPayload } from './webhook-payload.js';
import type { EmulatorWebhook, WebhookRegistry } from './webhook-registry.js';

/** One finished delivery attempt, as `webhookDeliveries()` lists it. */
export interface EmulatorWebhookDelivery {
  eventId: string;
  type: GrantWebhookTrigger;
  webhookId: string;
  /** `webhook_delivery_attempt` of the request: 1 for the first, one more for each retry or redelivery. */
  attempt: number;
  /** True when the endpoint responded with a 2xx status. */
  delivered: boolean;
  /** HTTP status of the response; absent when none arrived. */
  statusCode?: number;
  /** Why no response arrived: a timeout or a connection error. */
  error?: string;
  /** Unix milliseconds when the attempt was sent. */
  sentAt: number;
}

export interface WebhookDispatcherSettings {
  registry: WebhookRegistry;
  stats: StatsCounter;
  log: (line: string) => void;
  /** Time limit of one attempt in milliseconds. */
  timeoutMs: number;
  /** Waits before each retry in milliseconds; its length is the number of retries after the first attempt. */
  retryDelaysMs: readonly number[];
  /** Aborted when the emulator closes; pending retries then stop at once. */
  closing: AbortSignal;
}

/** An event with the webhooks it was sent to and the last attempt number per webhook. */
interface DispatchedEvent {
  event: GrantWebhookEvent;
  attempts: Map<string, number>;
}

type AttemptOutcome = 'delivered' | 'failed' | 'cancelled';

/**
 * Delivers events to the subscribed webhooks in the background, at least once: a non-2xx response,
 * a timeout or a connection error is retried after each delay in `retryDelaysMs`, with the same
 * event id and the next `webhook_delivery_attempt`. Deliveries run in the background: the request
 * that caused an event does not wait for them, and its response does not depend on them.
 */
export class WebhookDispatcher {
  private readonly events = new Map<string, DispatchedEvent>();
  private readonly deliveryLog: EmulatorWebhookDelivery[] = [];
  private readonly jobs = new Set<Promise<void>>();
  private cancellation = newCancellation();

  constructor(private readonly settings: WebhookDispatcherSettings) {
    settings.closing.addEventListener('abort', () => this.cancelAll(), { once: true });
  }

  /** Starts delivering a new event to every webhook whose triggers include its type. */
  dispatch(event: GrantWebhookEvent): void {
    if (this.settings.closing.aborted) {
      return;
    }
    const dispatched: DispatchedEvent = { event, attempts: new Map() };
    this.events.set(event.id, dispatched);
    for (const webhook of this.settings.registry.subscribedTo(event.type)) {
      dispatched.attempts.set(webhook.id, 0);
      this.startJob(dispatched, webhook.id);
    }
  }

  /**
   * Sends an earlier event again, with its event id and the next attempt number, to each of its
   * webhooks that is still registered. Failures are retried as usual. Returns the number of webhooks.
   * Throws for an event id that was not sent since start or the last reset.
   */
  redeliver(eventId: string): number {
    const dispatched = this.events.get(eventId);
    if (!dispatched) {
      throw new Error(`Webhook event ${JSON.stringify(eventId)} not found; it was never sent, or the emulator was reset since`);
    }
    let started = 0;
    for (const webhookId of dispatched.attempts.keys()) {
      if (this.settings.registry.get(webhookId) && !this.settings.closing.aborted) {
        this.startJob(dispatched, webhookId);
        started += 1;
      }
    }
    return started;
  }

  /** Returns copies of the finished attempts, oldest first. */
  deliveries(): EmulatorWebhookDelivery[] {
    return this.deliveryLog.map((delivery) => ({ ...delivery }));
  }

  /** Resolves when no attempt is in progress and no retry is scheduled. */
  async flush(): Promise<void> {
    while (this.jobs.size > 0) {
      await Promise.all(this.jobs);
    }
  }

  /** Stops every attempt and scheduled retry, and clears the stored events and attempts. Registered webhooks stay. */
  cancelAll(): void {
    this.cancellation.abort();
    this.cancellation = newCancellation();
    this.events.clear();
    this.deliveryLog.length = 0;
  }

  private startJob(dispatched: DispatchedEvent, webhookId: string): void {
    const job = this.deliver(dispatched, webhookId, this.cancellation.signal).catch((error: unknown) => {
      const reason = error instanceof Error ? error.message : String(error);
      this.settings.log(`Internal error delivering event ${dispatched.event.id} to webhook ${webhookId}: ${reason}`);
    });
    this.jobs.add(job);
    void job.finally(() => this.jobs.delete(job));
  }

  /** Runs the first attempt and the retries of one event to one webhook, until one is delivered or the retries run out. */
  private async deliver(dispatched: DispatchedEvent, webhookId: string, signal: AbortSignal): Promise<void> {
    const { retryDelaysMs, stats, log } = this.settings;
    const { event } = dispatched;

    for (let retry = 0; ; retry += 1) {
      // A webhook removed meanwhile gets no further attempts.
      const webhook = this.settings.registry.get(webhookId);
      if (!webhook || signal.aborted) {
        return;
      }
      if (retry > 0) {
        stats.countWebhookRetried();
      }

      const attempt = (dispatched.attempts.get(webhookId) ?? 0) + 1;
      dispatched.attempts.set(webhookId, attempt);
      const outcome = await this.attempt(event, webhook, attempt, signal);
      if (outcome !== 'failed') {
        return;
      }

      if (retry >= retryDelaysMs.length) {
        log(`Gave up on event ${event.id} (${event.type}) for webhook ${webhookId} after attempt ${attempt}`);
        return;
      }
      try {
        await delay(retryDelaysMs[retry], undefined, { signal });
      } catch {
        return;
      }
    }
  }

  /** Sends one signed attempt and records its outcome; a cancelled attempt is neither recorded nor counted. */
  private async attempt(event: GrantWebhookEvent, webhook: EmulatorWebhook, attempt: number, signal: AbortSignal): Promise<AttemptOutcome> {
    const { stats, log, timeoutMs } = this.settings;
    const payload = buildWebhookPayload(event, attempt, webhook);
    const record = { eventId: event.id, type: event.type, webhookId: webhook.id, attempt, sentAt: Date.now() };
    const label = `event ${event.id} (${event.type}) to webhook ${webhook.id}, attempt ${attempt}`;

    let statusCode: number;
    try {
      const response = await sendOutgoingRequest({
        method: 'POST',
        url: new URL(webhook.url),
        headers: payload.headers,
        body: payload.body,
        timeoutMs,
        signal,
        maxResponseBytes: 0,
      });
      statusCode = response.statusCode;
    } catch (error) {
      if (error instanceof OutgoingRequestError && error.failure === 'cancelled') {
        return 'cancelled';
      }
      const reason = error instanceof Error ? error.message : String(error);
      this.deliveryLog.push({ ...record, delivered: false, error: reason });
      stats.countWebhookFailed();
      log(`Webhook delivery of ${label} failed: ${reason}`);
      return 'failed';
    }

    const delivered = statusCode >= 200 && statusCode < 300;
    this.deliveryLog.push({ ...record, delivered, statusCode });
    if (delivered) {
      stats.countWebhookDelivered();
    } else {
      stats.countWebhookFailed();
    }
    log(`Webhook delivery of ${label}: HTTP ${statusCode}`);
    return delivered ? 'delivered' : 'failed';
  }
}

/**
 * Creates the controller that cancels all current jobs. Every attempt and every retry wait adds an abort
 * listener, so the default limit of 10 listeners would print a leak warning under ordinary load.
 */
function newCancellation(): AbortController {
  const controller = new AbortController();
  setMaxListeners(0, controller.signal);
  return controller;
}
