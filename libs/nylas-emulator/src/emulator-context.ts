import type { IncomingMessage, ServerResponse } from 'node:http';
import { ClientRegistry } from './client-registry.js';
import { CodeStore } from './code-store.js';
import { FaultTable } from './faults.js';
import { GrantStore } from './grant-store.js';
import type { IdTokenSigner } from './id-token-signer.js';
import { StatsCounter, type EmulatorStats } from './stats.js';
import { TokenStore } from './token-store.js';
import { WebhookDispatcher } from './webhook-dispatcher.js';
import { WebhookRegistry } from './webhook-registry.js';

/** Everything that route handlers share: registered clients, issued state, settings and counters. */
export interface EmulatorContext {
  readonly clients: ClientRegistry;
  readonly grants: GrantStore;
  readonly codes: CodeStore;
  readonly tokens: TokenStore;
  readonly faults: FaultTable;
  readonly stats: StatsCounter;
  readonly webhooks: WebhookRegistry;
  readonly webhookDispatcher: WebhookDispatcher;
  readonly signer: IdTokenSigner;
  readonly issuer: string;
  readonly codeTtlMs: number;
  readonly accessTokenTtlSeconds: number;
  /** Time limit of one webhook delivery attempt in milliseconds. */
  readonly webhookTimeoutMs: number;
  readonly log: (line: string) => void;
  /** Aborted when the emulator closes, so that injected delays, webhook handshakes and webhook retries stop waiting. */
  readonly closing: AbortSignal;
}

/** One request being handled. */
export interface RequestContext {
  readonly emulator: EmulatorContext;
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly url: URL;
  readonly requestId: string;
  /** Decoded `{name}` segments of the matched route path. */
  readonly pathParams: Readonly<Record<string, string>>;
}

export interface EmulatorSettings {
  signer: IdTokenSigner;
  issuer: string;
  codeTtlMs: number;
  accessTokenTtlSeconds: number;
  webhookTimeoutMs: number;
  /** Waits before each retry of a failed webhook delivery in milliseconds. */
  webhookRetryDelaysMs: readonly number[];
  log: (line: string) => void;
  closing: AbortSignal;
}

export function createEmulatorContext(settings: EmulatorSettings): EmulatorContext {
  const { webhookRetryDelaysMs, ...shared } = settings;
  const stats = new StatsCounter();
  const webhooks = new WebhookRegistry();
  const webhookDispatcher = new WebhookDispatcher({
    registry: webhooks,
    stats,
    log: settings.log,
    timeoutMs: settings.webhookTimeoutMs,
    retryDelaysMs: webhookRetryDelaysMs,
    closing: settings.closing,
  });
  return {
    ...shared,
    clients: new ClientRegistry(),
    grants: new GrantStore(),
    codes: new CodeStore(),
    tokens: new TokenStore(),
    faults: new FaultTable(),
    stats,
    webhooks,
    webhookDispatcher,
  };
}

/**
 * Clears codes, tokens, grants, faults and counters, and stops and clears webhook deliveries.
 * Registered clients, registered webhooks and the signing key stay.
 */
export function resetEmulatorContext(emulator: EmulatorContext): void {
  emulator.webhookDispatcher.cancelAll();
  emulator.codes.clear();
  emulator.tokens.clear();
  emulator.grants.clear();
  emulator.faults.clear();
  emulator.stats.reset();
}

export function snapshotStats(emulator: EmulatorContext): EmulatorStats {
  return emulator.stats.snapshot(emulator.grants.count());
}

/** Current Unix time in whole seconds, the unit of JWT and Nylas timestamps. */
export function nowInSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
