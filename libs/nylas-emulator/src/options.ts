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
  /** Receives one line per request, start, stop, injected fault and caught error. Default: no logging. Lines contain paths and ids, not query strings, tokens or secrets. */
  logger?: (line: string) => void;
}

export const DEFAULT_ISSUER = 'https://nylas.com';
export const DEFAULT_CODE_TTL_MS = 600_000;
export const DEFAULT_ACCESS_TOKEN_TTL_SECONDS = 3600;
