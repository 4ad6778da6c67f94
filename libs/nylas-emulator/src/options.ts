/** A Nylas application registered with the emulator. */
export interface EmulatorClient {
  /** The application's client id, sent as `client_id`. */
  clientId: string;
  /** The application's API key: the `client_secret` of the token endpoint and the Bearer key of the grants API. */
  apiKey: string;
  /** Registered callback URIs; `redirect_uri` must equal one of them exactly (string comparison). */
  callbackUris: string[];
}

export interface NylasEmulatorOptions {
  /** Interface to listen on. Default `'127.0.0.1'`. */
  host?: string;
  /** TCP port. Default 0, which picks a free port. */
  port?: number;
  /** Registered applications. Default: none; add them later with `addClient`. */
  clients?: EmulatorClient[];
  /** The `iss` claim of ID tokens. Default `'https://nylas.com'`, the example issuer in the Nylas OpenAPI contract. */
  issuer?: string;
  /**
   * Lifetime of an authorization code in milliseconds. Default 600_000.
   * Nylas does not publish its code lifetime; RFC 6749 section 4.1.2 recommends at most 10 minutes.
   */
  codeTtlMs?: number;
  /** Lifetime of access tokens and ID tokens in seconds (`expires_in`). Default 3600. */
  accessTokenTtlSeconds?: number;
  /** Receives one line per request, start, stop, injected fault, webhook attempt and caught error. Default: no logging. Lines contain paths and ids, not query strings, tokens or secrets. */
  logger?: (line: string) => void;
  /**
   * Time limit in milliseconds for one webhook delivery attempt, after which it counts as failed and is retried.
   * The registration handshake uses it too, capped at the 10 seconds that Nylas allows. Default 10_000.
   */
  webhookTimeoutMs?: number;
  /**
   * Waits in milliseconds before each retry of a failed webhook delivery; the array length is the number of retries.
   * Default [1000, 5000, 30000]. Tests pass a few milliseconds; `[]` turns retries off.
   */
  webhookRetryDelaysMs?: number[];
}

export const DEFAULT_ISSUER = 'https://nylas.com';
export const DEFAULT_CODE_TTL_MS = 600_000;
export const DEFAULT_ACCESS_TOKEN_TTL_SECONDS = 3600;
export const DEFAULT_WEBHOOK_TIMEOUT_MS = 10_000;
export const DEFAULT_WEBHOOK_RETRY_DELAYS_MS: readonly number[] = [1000, 5000, 30_000];

/** Longest accepted webhook timeout or retry delay (one hour), so that a typo cannot park a delivery for days. */
const MAX_WEBHOOK_WAIT_MS = 3_600_000;

/** Applies the defaults of the webhook options and checks them. Throws a TypeError that names the invalid option. */
export function resolveWebhookTiming(options: NylasEmulatorOptions): { timeoutMs: number; retryDelaysMs: readonly number[] } {
  const timeoutMs = options.webhookTimeoutMs ?? DEFAULT_WEBHOOK_TIMEOUT_MS;
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1 || timeoutMs > MAX_WEBHOOK_WAIT_MS) {
    throw new TypeError(`webhookTimeoutMs must be an integer from 1 to ${MAX_WEBHOOK_WAIT_MS}, got ${JSON.stringify(timeoutMs)}`);
  }
  const retryDelaysMs = options.webhookRetryDelaysMs ?? DEFAULT_WEBHOOK_RETRY_DELAYS_MS;
  const valid = Array.isArray(retryDelaysMs) && retryDelaysMs.every((wait) => Number.isInteger(wait) && wait >= 0 && wait <= MAX_WEBHOOK_WAIT_MS);
  if (!valid) {
    throw new TypeError(`webhookRetryDelaysMs must be an array of integers from 0 to ${MAX_WEBHOOK_WAIT_MS}, got ${JSON.stringify(retryDelaysMs)}`);
  }
  return { timeoutMs, retryDelaysMs: [...retryDelaysMs] };
}
