import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { completeConsent } from './consent-driver.js';
import {
  createEmulatorContext,
  nowInSeconds,
  resetEmulatorContext,
  snapshotStats,
  type EmulatorContext,
} from './emulator-context.js';
import type { EmulatorEndpoint } from './endpoints.js';
import { EMULATOR_ENDPOINTS, isEmulatorEndpoint } from './endpoints.js';
import { validateFault, type EmulatorFault } from './faults.js';
import { buildGrantEvent, GRANT_WEBHOOK_TRIGGERS, isGrantWebhookTrigger, type GrantWebhookTrigger } from './grant-events.js';
import { expireGrant } from './grant-lifecycle.js';
import { IdTokenSigner } from './id-token-signer.js';
import {
  DEFAULT_ACCESS_TOKEN_TTL_SECONDS,
  DEFAULT_CODE_TTL_MS,
  DEFAULT_ISSUER,
  resolveWebhookTiming,
  type EmulatorClient,
  type NylasEmulatorOptions,
} from './options.js';
import { handleRequest } from './request-handler.js';
import type { EmulatorStats } from './stats.js';
import type { EmulatorWebhookDelivery } from './webhook-dispatcher.js';
import { registerWebhook } from './webhook-registration.js';
import type { EmulatorWebhook, EmulatorWebhookOptions } from './webhook-registry.js';

/**
 * A local HTTP server that emulates the Nylas v3 hosted-authentication endpoints:
 * /v3/connect/auth, /v3/connect/token, /v3/connect/tokeninfo, /v3/connect/revoke and /v3/grants/{id},
 * and sends signed grant webhooks to loopback endpoints. All state lives in memory and ends with `close()`.
 */
export class NylasEmulator {
  /** Base URL without a trailing slash, to pass to clients as the Nylas API URI. */
  readonly url: string;
  /** URL of the JSON Web Key Set that verifies the emulator's ID tokens. */
  readonly jwksUri: string;
  /** The `iss` claim of the emulator's ID tokens. */
  readonly issuer: string;

  private closed = false;

  private constructor(
    private readonly server: Server,
    private readonly context: EmulatorContext,
    private readonly closeController: AbortController,
    url: string,
  ) {
    this.url = url;
    this.jwksUri = `${url}/__emulator/jwks.json`;
    this.issuer = context.issuer;
  }

  /** Generates a signing key, registers the given clients and listens (by default on 127.0.0.1 and a free port). */
  static async start(options: NylasEmulatorOptions = {}): Promise<NylasEmulator> {
    const log = options.logger ?? (() => {});
    const webhookTiming = resolveWebhookTiming(options);
    const closeController = new AbortController();
    const context = createEmulatorContext({
      signer: await IdTokenSigner.create(),
      issuer: options.issuer ?? DEFAULT_ISSUER,
      codeTtlMs: options.codeTtlMs ?? DEFAULT_CODE_TTL_MS,
      accessTokenTtlSeconds: options.accessTokenTtlSeconds ?? DEFAULT_ACCESS_TOKEN_TTL_SECONDS,
      webhookTimeoutMs: webhookTiming.timeoutMs,
      webhookRetryDelaysMs: webhookTiming.retryDelaysMs,
      log,
      closing: closeController.signal,
    });
    for (const client of options.clients ?? []) {
      context.clients.add(client);
    }

    const server = createServer((req, res) => void handleRequest(context, req, res));
    const address = await listen(server, options.host ?? '127.0.0.1', options.port ?? 0);
    const emulator = new NylasEmulator(server, context, closeController, baseUrl(address));
    log(`Nylas emulator listening on ${emulator.url}`);
    return emulator;
  }

  /** Registers an application, replacing one with the same client id. Throws a TypeError for an invalid client. */
  addClient(client: EmulatorClient): void {
    this.context.clients.add(client);
  }

  stats(): EmulatorStats {
    return snapshotStats(this.context);
  }

  /** Adds a fault to the requests of one endpoint group. Throws a TypeError for an invalid fault. */
  injectFault(endpoint: EmulatorEndpoint, fault: EmulatorFault): void {
    if (!isEmulatorEndpoint(endpoint)) {
      throw new TypeError(`Unknown endpoint ${JSON.stringify(endpoint)}: use one of ${EMULATOR_ENDPOINTS.join(', ')}`);
    }
    this.context.faults.add(endpoint, validateFault(fault));
  }

  clearFaults(): void {
    this.context.faults.clear();
  }

  /**
   * Clears codes, tokens, grants, faults and counters, and stops and clears webhook deliveries.
   * Registered clients, registered webhooks and the signing key stay.
   */
  reset(): void {
    resetEmulatorContext(this.context);
  }

  /**
   * Marks a grant as expired (`grant_status: 'invalid'`) and revokes its tokens, as when the user
   * withdraws access at the provider, and sends `grant.expired` unless the grant had already expired.
   * Connecting the same mailbox again makes it valid. Returns false for an unknown grant.
   */
  invalidateGrant(grantId: string): boolean {
    return expireGrant(this.context, grantId);
  }

  /** Same as `invalidateGrant`, under the name of the webhook trigger it causes. */
  expireGrant(grantId: string): boolean {
    return this.invalidateGrant(grantId);
  }

  /**
   * Registers a webhook after the challenge handshake that Nylas runs: the endpoint must respond to
   * GET `<url>?challenge=<random>` with 200 and the challenge as the body. Rejects with a TypeError for
   * invalid options or a URL that is not on a loopback host, and with a WebhookChallengeError for a failed handshake.
   */
  addWebhook(options: EmulatorWebhookOptions): Promise<EmulatorWebhook> {
    return registerWebhook(this.context, options);
  }

  /**
   * Removes a webhook. Retries already scheduled for it send nothing when they come due, and an attempt in
   * progress finishes. Returns false for an unknown webhook.
   */
  removeWebhook(webhookId: string): boolean {
    return this.context.webhooks.remove(webhookId);
  }

  /**
   * Sends a grant event about an existing grant without changing the grant, for example to test a receiver.
   * `grant.updated` gets code 25014 with `reauthentication_flag: false`. Returns the event id, and delivery
   * runs in the background (see `flushWebhooks`). Throws a TypeError for an unknown type and an Error for an
   * unknown grant.
   */
  sendWebhookEvent(type: GrantWebhookTrigger, grantId: string): string {
    if (!isGrantWebhookTrigger(type)) {
      throw new TypeError(`Unknown webhook trigger ${JSON.stringify(type)}: use one of ${GRANT_WEBHOOK_TRIGGERS.join(', ')}`);
    }
    const grant = this.context.grants.get(grantId);
    if (!grant) {
      throw new Error(`Grant ${JSON.stringify(grantId)} not found`);
    }
    const event = buildGrantEvent(type, grant, nowInSeconds());
    this.context.webhookDispatcher.dispatch(event);
    return event.id;
  }

  /**
   * Sends an earlier event again with the same event id and the next `webhook_delivery_attempt`, as a
   * duplicate delivery from Nylas looks. Returns the number of webhooks it goes to. Throws for an unknown event id.
   */
  redeliver(eventId: string): number {
    return this.context.webhookDispatcher.redeliver(eventId);
  }

  /** Returns the finished webhook delivery attempts since start or the last reset, oldest first. */
  webhookDeliveries(): EmulatorWebhookDelivery[] {
    return this.context.webhookDispatcher.deliveries();
  }

  /** Resolves when no webhook delivery is in progress and no retry is scheduled. */
  flushWebhooks(): Promise<void> {
    return this.context.webhookDispatcher.flush();
  }

  /**
   * Runs the consent step as a user would, over HTTP: GET the authorization URL, then POST the consent form
   * with `decision=approve`. Returns the redirect URL with `code` and `state`, or with `error` when the
   * emulator rejects the authorization request.
   */
  approve(authUrl: string, user: { email: string; name?: string }): Promise<string> {
    return completeConsent(this.url, authUrl, { decision: 'approve', email: user.email, name: user.name });
  }

  /** Like `approve`, with `decision=deny`; returns the redirect URL with `error=access_denied`. */
  deny(authUrl: string): Promise<string> {
    return completeConsent(this.url, authUrl, { decision: 'deny' });
  }

  /**
   * Stops listening, ends pending fault delays, webhook handshakes, deliveries and retries, and destroys open
   * sockets, so that no test waits on a keep-alive connection or a scheduled retry.
   */
  async close(): Promise<void> {
    if (this.closed) {
      return;
    }
    this.closed = true;
    this.closeController.abort();
    const stopped = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await stopped;
    this.context.log(`Nylas emulator on ${this.url} stopped`);
  }
}

function listen(server: Server, host: string, port: number): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server.address() as AddressInfo);
    });
  });
}

/** Builds the base URL clients should use; a wildcard address is reached through loopback. */
function baseUrl(address: AddressInfo): string {
  if (address.family === 'IPv6') {
    const host = address.address === '::' ? '::1' : address.address;
    return `http://[${host}]:${address.port}`;
  }
  const host = address.address === '0.0.0.0' ? '127.0.0.1' : address.address;
  return `http://${host}:${address.port}`;
}
