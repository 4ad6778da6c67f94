import { randomBytes } from 'node:crypto';

import { InvalidDatabaseUrlError, parseDatabaseUrl } from '../database/database-options.js';

/** Base URL of the Nylas API in the US region; the EU region is `https://api.eu.nylas.com`. */
export const DEFAULT_NYLAS_API_URI = 'https://api.us.nylas.com';

/** Client id the demo registers at the local emulator when `NYLAS_CLIENT_ID` is unset; the same as `npm run emulator` uses. */
export const DEFAULT_EMULATOR_CLIENT_ID = 'demo-client-id';

export const DEFAULT_DATABASE_URL = 'sqlite:data/demo.sqlite';
export const DEFAULT_PORT = 3000;

/** Requests per client IP per minute to the start and callback routes: a person needs a few. */
export const DEFAULT_RATE_LIMIT_PER_MINUTE = 30;

/** Loopback only, so that a demo started on a laptop is not reachable from the network. */
export const DEFAULT_HOST = '127.0.0.1';

/** Shortest accepted `SESSION_SECRET`: 32 characters, as many as 24 random bytes in base64. */
const MIN_SESSION_SECRET_LENGTH = 32;

/** Nylas backend of the demo: a Nylas API (real, or an emulator started by hand) or an emulator the demo starts itself. */
export type NylasTarget =
  | {
      mode: 'api';
      clientId: string;
      apiKey: string;
      apiUri: string;
      callbackUri: string;
      /** Passed to the library as `jwksUri`; unset for real Nylas, which publishes no JWKS. */
      jwksUri?: string;
      /** Passed to the library as `idTokenIssuer`; unset means the library default. */
      idTokenIssuer?: string;
    }
  | {
      mode: 'emulator';
      clientId: string;
      /** Random per process: only the demo and its own emulator ever see it. */
      apiKey: string;
      callbackUri: string;
      /** Port of the emulator on 127.0.0.1; 0 picks a free one. */
      port: number;
    };

/** Everything the demo reads from the environment, checked. */
export interface DemoConfig {
  /** Interface the HTTP server listens on. */
  host: string;
  port: number;
  databaseUrl: string;
  session: {
    /** Key of the HMAC that signs the session cookie. */
    secret: string;
    /** True when `SESSION_SECRET` was unset and a random secret was made for this process. */
    secretGenerated: boolean;
    /** Sets the cookie's `Secure` flag; true when the callback URI is https. */
    secureCookie: boolean;
  };
  nylas: NylasTarget;
  /**
   * Requests allowed per client IP to the start and callback routes in each window, from
   * `RATE_LIMIT_PER_MINUTE` (default 30; 0 turns the limit off). Undefined means no limit.
   */
  rateLimit?: { limit: number; windowMs: number };
  /** Keys for stored tokens, from `TOKEN_ENCRYPTION_KEYS`; without them no token is stored. */
  tokenEncryption?: { currentKeyId: string; keys: Record<string, string> };
  /**
   * Secret of the Nylas webhook at `/webhooks/nylas`, from `NYLAS_WEBHOOK_SECRET`. With the
   * emulator and no secret set, a random one is made and the demo registers its own webhook.
   */
  webhookSecret?: string;
}

/** Thrown when environment variables are missing or malformed; the message lists each problem. */
export class DemoConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid demo configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'DemoConfigError';
  }
}

type Env = Record<string, string | undefined>;

/**
 * Reads and checks the demo's configuration from environment variables. Every problem is
 * collected first, so one start-up shows all of them. Throws `DemoConfigError`.
 *
 * - `PORT` (default 3000) and `HOST` (default 127.0.0.1) of the HTTP server.
 * - `DATABASE_URL` (default `sqlite:data/demo.sqlite`): see `parseDatabaseUrl`.
 * - `NYLAS_CALLBACK_URI` (default `http://localhost:<PORT>/auth/nylas/callback`): the callback
 *   URI registered with the Nylas application. An https URI also makes the session cookie Secure.
 * - `NYLAS_API_KEY` and `NYLAS_CLIENT_ID` of the Nylas application, `NYLAS_API_URI` (default
 *   the US region), and optionally `NYLAS_JWKS_URI` and `NYLAS_ID_TOKEN_ISSUER` for ID tokens.
 *   Without `NYLAS_API_KEY` the demo starts the local emulator, on `EMULATOR_PORT` (default: a
 *   free port), with `NYLAS_CLIENT_ID` or `demo-client-id` as client id.
 * - `SESSION_SECRET`: at least 32 characters; random per process when unset.
 * - `TOKEN_ENCRYPTION_KEYS`: `id:base64key,...`, each key 32 bytes; the first encrypts. When set,
 *   tokens are stored encrypted and refreshed (`accessType: 'offline'`).
 * - `NYLAS_WEBHOOK_SECRET`: the webhook secret from the Nylas Dashboard.
 * - `RATE_LIMIT_PER_MINUTE` (default 30): requests per client IP per minute to the start and
 *   callback routes; 0 turns the limit off.
 */
export function loadDemoConfig(env: Env = process.env): DemoConfig {
  const problems: string[] = [];

  const port = readPort(env, 'PORT', DEFAULT_PORT, problems);
  const host = readString(env, 'HOST') ?? DEFAULT_HOST;
  const databaseUrl = readString(env, 'DATABASE_URL') ?? DEFAULT_DATABASE_URL;
  checkDatabaseUrl(databaseUrl, problems);
  const callbackUri = readString(env, 'NYLAS_CALLBACK_URI') ?? `http://localhost:${port}/auth/nylas/callback`;
  checkHttpUrl('NYLAS_CALLBACK_URI', callbackUri, problems);

  const nylas = readNylasTarget(env, callbackUri, problems);
  const session = readSession(env, callbackUri, problems);

  const tokenEncryption = readTokenEncryptionKeys(env, problems);
  const perMinute = readCount(env, 'RATE_LIMIT_PER_MINUTE', DEFAULT_RATE_LIMIT_PER_MINUTE, problems);
  const rateLimit = perMinute === 0 ? undefined : { limit: perMinute, windowMs: 60_000 };
  const webhookSecret = readString(env, 'NYLAS_WEBHOOK_SECRET') ?? (nylas.mode === 'emulator' ? randomBytes(24).toString('base64url') : undefined);

  if (problems.length > 0) throw new DemoConfigError(problems);
  return { host, port, databaseUrl, session, nylas, rateLimit, tokenEncryption, webhookSecret };
}

function readNylasTarget(env: Env, callbackUri: string, problems: string[]): NylasTarget {
  const apiKey = readString(env, 'NYLAS_API_KEY');
  const clientId = readString(env, 'NYLAS_CLIENT_ID');
  const apiUri = readString(env, 'NYLAS_API_URI');

  if (apiKey === undefined) {
    if (apiUri !== undefined) {
      problems.push('NYLAS_API_URI is set but NYLAS_API_KEY is not. Set both to use a Nylas API, or neither to use the local emulator.');
    }
    const port = readPort(env, 'EMULATOR_PORT', 0, problems, { allowZero: true });
    const generatedKey = `emulator-${randomBytes(24).toString('base64url')}`;
    return { mode: 'emulator', clientId: clientId ?? DEFAULT_EMULATOR_CLIENT_ID, apiKey: generatedKey, callbackUri, port };
  }

  if (clientId === undefined) {
    problems.push('NYLAS_CLIENT_ID is missing. Copy it from your Nylas application in the Nylas Dashboard.');
  }
  const target: NylasTarget = {
    mode: 'api',
    clientId: clientId ?? '',
    apiKey,
    apiUri: (apiUri ?? DEFAULT_NYLAS_API_URI).replace(/\/+$/, ''),
    callbackUri,
    jwksUri: readString(env, 'NYLAS_JWKS_URI'),
    idTokenIssuer: readString(env, 'NYLAS_ID_TOKEN_ISSUER'),
  };
  checkHttpUrl('NYLAS_API_URI', target.apiUri, problems);
  if (target.jwksUri !== undefined) checkHttpUrl('NYLAS_JWKS_URI', target.jwksUri, problems);
  return target;
}

function readSession(env: Env, callbackUri: string, problems: string[]): DemoConfig['session'] {
  const secureCookie = callbackUri.startsWith('https:');
  const secret = readString(env, 'SESSION_SECRET');
  if (secret === undefined) {
    return { secret: randomBytes(32).toString('base64url'), secretGenerated: true, secureCookie };
  }
  if (secret.length < MIN_SESSION_SECRET_LENGTH) {
    problems.push(
      `SESSION_SECRET must be at least ${MIN_SESSION_SECRET_LENGTH} characters, got ${secret.length}. Generate one with: openssl rand -base64 32`,
    );
  }
  return { secret, secretGenerated: false, secureCookie };
}

/** Reads `TOKEN_ENCRYPTION_KEYS` (`id:base64key,...`); the first key is the one that encrypts. */
function readTokenEncryptionKeys(env: Env, problems: string[]): DemoConfig['tokenEncryption'] {
  const raw = readString(env, 'TOKEN_ENCRYPTION_KEYS');
  if (raw === undefined) return undefined;

  const keys: Record<string, string> = {};
  for (const entry of raw.split(',')) {
    const [id, key, extra] = entry.trim().split(':');
    if (!id || !key || extra !== undefined || Buffer.from(key, 'base64').length !== 32) {
      problems.push('TOKEN_ENCRYPTION_KEYS must be a comma-separated list of id:key, each key 32 bytes in base64 (openssl rand -base64 32).');
      return undefined;
    }
    keys[id] = key;
  }
  return { currentKeyId: Object.keys(keys)[0], keys };
}

function readCount(env: Env, name: string, fallback: number, problems: string[]): number {
  const raw = readString(env, name);
  if (raw === undefined) return fallback;
  if (!/^\d{1,9}$/.test(raw)) {
    problems.push(`${name} must be a whole number, got "${raw}".`);
    return fallback;
  }
  return Number(raw);
}

/** Returns the trimmed value, or undefined when the variable is unset or blank. */
function readString(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

function readPort(env: Env, name: string, fallback: number, problems: string[], options: { allowZero?: boolean } = {}): number {
  const raw = readString(env, name);
  if (raw === undefined) return fallback;

  const port = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
  const min = options.allowZero ? 0 : 1;
  if (!Number.isInteger(port) || port < min || port > 65535) {
    problems.push(`${name} must be a whole number from ${min} to 65535, got "${raw}".`);
    return fallback;
  }
  return port;
}

function checkDatabaseUrl(databaseUrl: string, problems: string[]): void {
  try {
    parseDatabaseUrl(databaseUrl);
  } catch (error) {
    if (!(error instanceof InvalidDatabaseUrlError)) throw error;
    problems.push(error.message);
  }
}

function checkHttpUrl(name: string, value: string, problems: string[]): void {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    problems.push(`${name} must be an absolute URL, got "${value}".`);
    return;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    problems.push(`${name} must be an http or https URL, got "${value}".`);
  }
}
