import { EMULATOR_ENDPOINTS, type EmulatorEndpoint } from './endpoints.js';

/** Counters since start or the last reset, as returned by `stats()` and GET /__emulator/stats. */
export interface EmulatorStats {
  /** Successful exchanges per grant type, and all rejected requests to the token endpoint. */
  tokenExchanges: { authorizationCode: number; refreshToken: number; failed: number };
  /** Requests per endpoint group, including those that an injected fault responded to. */
  requests: Record<EmulatorEndpoint, number>;
  /** Grants that exist now. */
  grants: number;
  /** Authorization codes issued by the consent step. */
  codesIssued: number;
  /** Requests on which an injected fault acted. */
  faultsServed: number;
  /**
   * Webhook delivery attempts. `delivered` got a 2xx response, and `failed` got another status, timed out or
   * could not connect. `retried` counts the attempts made after a failed one; redeliveries are not retries.
   */
  webhooks: { delivered: number; failed: number; retried: number };
}

export type TokenExchangeOutcome = keyof EmulatorStats['tokenExchanges'];

/** Mutable counters behind `EmulatorStats`; the grant count comes from the grant store. */
export class StatsCounter {
  private exchanges = { authorizationCode: 0, refreshToken: 0, failed: 0 };
  private requests = emptyRequestCounts();
  private codesIssued = 0;
  private faultsServed = 0;
  private webhooks = { delivered: 0, failed: 0, retried: 0 };

  countRequest(endpoint: EmulatorEndpoint): void {
    this.requests[endpoint] += 1;
  }

  countExchange(outcome: TokenExchangeOutcome): void {
    this.exchanges[outcome] += 1;
  }

  countCodeIssued(): void {
    this.codesIssued += 1;
  }

  countFaultServed(): void {
    this.faultsServed += 1;
  }

  countWebhookDelivered(): void {
    this.webhooks.delivered += 1;
  }

  countWebhookFailed(): void {
    this.webhooks.failed += 1;
  }

  countWebhookRetried(): void {
    this.webhooks.retried += 1;
  }

  snapshot(grantCount: number): EmulatorStats {
    return {
      tokenExchanges: { ...this.exchanges },
      requests: { ...this.requests },
      grants: grantCount,
      codesIssued: this.codesIssued,
      faultsServed: this.faultsServed,
      webhooks: { ...this.webhooks },
    };
  }

  reset(): void {
    this.exchanges = { authorizationCode: 0, refreshToken: 0, failed: 0 };
    this.requests = emptyRequestCounts();
    this.codesIssued = 0;
    this.faultsServed = 0;
    this.webhooks = { delivered: 0, failed: 0, retried: 0 };
  }
}

function emptyRequestCounts(): Record<EmulatorEndpoint, number> {
  const counts = {} as Record<EmulatorEndpoint, number>;
  for (const endpoint of EMULATOR_ENDPOINTS) {
    counts[endpoint] = 0;
  }
  return counts;
}
