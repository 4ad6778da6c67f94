import type { Request } from 'express';

import { TokenCipher } from './crypto/token-cipher.js';
import type { NylasGrantEvent } from './lifecycle/nylas-grant-events.js';
import {
  NYLAS_PROVIDERS,
  type GrantConflictPolicy,
  type NylasConnectOptions,
  type NylasProvider,
  type ResolveUserId,
} from './nylas-connect.options.js';
import { resolvePopupOrigin } from './auth/popup-origin.js';

/** The module options after defaults are applied and every value is checked. */
export interface ResolvedNylasConnectOptions {
  clientId: string;
  apiKey: string;
  apiUri: string;
  callbackUri: string;
  scope: string[];
  provider?: NylasProvider;
  accessType: 'online' | 'offline';
  prompt?: string;
  stateTtlMs: number;
  maxPendingFlowsPerUser: number;
  maxPendingFlows: number;
  clockToleranceSeconds: number;
  idTokenIssuer: string;
  jwksUri?: string;
  requestTimeoutMs: number;
  successRedirect: string;
  failureRedirect: string;
  /** Origin the pop-up page posts its message to; the origin of `callbackUri` unless set. */
  popupOrigin: string;
  allowClientFlows: boolean;
  requireSignedInCallback: boolean;
  grantConflictPolicy: GrantConflictPolicy;
  resolveUserId: ResolveUserId;
  refreshMarginSeconds: number;
  onGrantEvent?: (event: NylasGrantEvent) => void | Promise<void>;
  webhookSecret?: string;
  /** Encrypts stored tokens; null when no key is configured, so no token is stored. */
  tokenCipher: TokenCipher | null;
}

export const DEFAULT_API_URI = 'https://api.us.nylas.com';
export const DEFAULT_ID_TOKEN_ISSUER = 'https://nylas.com';

/** Thrown at start-up when an option is missing or malformed. */
export class InvalidNylasConnectOptionError extends Error {
  constructor(
    readonly option: string,
    problem: string,
  ) {
    super(`NylasConnectModule option "${option}" ${problem}`);
    this.name = 'InvalidNylasConnectOptionError';
  }
}

function defaultResolveUserId(request: Request): string | undefined {
  const user = (request as Request & { user?: { id?: unknown } }).user;
  return typeof user?.id === 'string' ? user.id : undefined;
}

function requireString(options: NylasConnectOptions, name: keyof NylasConnectOptions): string {
  const value = options[name];
  if (typeof value !== 'string' || value.trim() === '') {
    throw new InvalidNylasConnectOptionError(name, 'is required and must be a non-empty string.');
  }
  return value;
}

function requireAbsoluteUrl(name: string, value: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidNylasConnectOptionError(name, `must be an absolute URL, got "${value}".`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new InvalidNylasConnectOptionError(name, `must be an http or https URL, got "${value}".`);
  }
  return url;
}

function positiveNumber(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new InvalidNylasConnectOptionError(name, `must be a positive number, got ${String(value)}.`);
  }
  return value;
}

function localPath(name: string, value: string | undefined): string {
  if (value === undefined) return '/';
  if (typeof value !== 'string' || !value.startsWith('/') || value.startsWith('//')) {
    throw new InvalidNylasConnectOptionError(name, `must be a path on this site starting with "/", got "${String(value)}".`);
  }
  return value;
}

/**
 * Applies the defaults and checks every option, so that a misconfigured app fails
 * at start-up with the option's name instead of at the first callback.
 */
export function resolveNylasConnectOptions(options: NylasConnectOptions): ResolvedNylasConnectOptions {
  if (options === null || typeof options !== 'object') {
    throw new InvalidNylasConnectOptionError('options', 'must be an object.');
  }

  const clientId = requireString(options, 'clientId');
  const apiKey = requireString(options, 'apiKey');
  const callbackUri = requireString(options, 'callbackUri');
  const callbackUrl = requireAbsoluteUrl('callbackUri', callbackUri);
  if (callbackUrl.hash) {
    throw new InvalidNylasConnectOptionError('callbackUri', 'must not contain a fragment (#).');
  }

  const apiUri = (options.apiUri ?? DEFAULT_API_URI).replace(/\/+$/, '');
  requireAbsoluteUrl('apiUri', apiUri);
  if (options.jwksUri !== undefined) requireAbsoluteUrl('jwksUri', options.jwksUri);

  if (options.scope !== undefined && (!Array.isArray(options.scope) || options.scope.some((s) => typeof s !== 'string' || /\s/.test(s) || s === ''))) {
    throw new InvalidNylasConnectOptionError('scope', 'must be an array of scope strings without spaces.');
  }
  if (options.provider !== undefined && !NYLAS_PROVIDERS.includes(options.provider)) {
    throw new InvalidNylasConnectOptionError('provider', `must be one of ${NYLAS_PROVIDERS.join(', ')}, got "${String(options.provider)}".`);
  }
  if (options.accessType !== undefined && options.accessType !== 'online' && options.accessType !== 'offline') {
    throw new InvalidNylasConnectOptionError('accessType', `must be "online" or "offline", got "${String(options.accessType)}".`);
  }
  if (options.grantConflictPolicy !== undefined && options.grantConflictPolicy !== 'reject' && options.grantConflictPolicy !== 'transfer') {
    throw new InvalidNylasConnectOptionError('grantConflictPolicy', `must be "reject" or "transfer", got "${String(options.grantConflictPolicy)}".`);
  }
  if (options.onGrantEvent !== undefined && typeof options.onGrantEvent !== 'function') {
    throw new InvalidNylasConnectOptionError('onGrantEvent', 'must be a function of the event.');
  }
  if (options.webhookSecret !== undefined && (typeof options.webhookSecret !== 'string' || options.webhookSecret === '')) {
    throw new InvalidNylasConnectOptionError('webhookSecret', 'must be a non-empty string.');
  }
  if (options.resolveUserId !== undefined && typeof options.resolveUserId !== 'function') {
    throw new InvalidNylasConnectOptionError('resolveUserId', 'must be a function of the request.');
  }

  const maxPendingFlowsPerUser = positiveNumber('maxPendingFlowsPerUser', options.maxPendingFlowsPerUser, 10);
  if (!Number.isInteger(maxPendingFlowsPerUser)) {
    throw new InvalidNylasConnectOptionError('maxPendingFlowsPerUser', `must be a whole number, got ${maxPendingFlowsPerUser}.`);
  }

  const popupOrigin = resolvePopupOrigin(options.popupOrigin, callbackUri);
  if ('problem' in popupOrigin) throw new InvalidNylasConnectOptionError('popupOrigin', popupOrigin.problem);

  let tokenCipher: TokenCipher | null = null;
  if (options.tokenEncryption !== undefined) {
    try {
      tokenCipher = new TokenCipher(options.tokenEncryption);
    } catch (error) {
      throw new InvalidNylasConnectOptionError('tokenEncryption', `is invalid: ${(error as Error).message}`);
    }
  }

  return {
    clientId,
    apiKey,
    apiUri,
    callbackUri,
    scope: options.scope ?? [],
    provider: options.provider,
    accessType: options.accessType ?? 'online',
    prompt: options.prompt,
    stateTtlMs: positiveNumber('stateTtlMs', options.stateTtlMs, 600_000),
    maxPendingFlowsPerUser,
    maxPendingFlows: positiveNumber('maxPendingFlows', options.maxPendingFlows, 100_000),
    clockToleranceSeconds: positiveNumber('clockToleranceSeconds', options.clockToleranceSeconds, 30),
    idTokenIssuer: options.idTokenIssuer ?? DEFAULT_ID_TOKEN_ISSUER,
    jwksUri: options.jwksUri,
    requestTimeoutMs: positiveNumber('requestTimeoutMs', options.requestTimeoutMs, 10_000),
    successRedirect: localPath('successRedirect', options.successRedirect),
    failureRedirect: localPath('failureRedirect', options.failureRedirect),
    popupOrigin: popupOrigin.origin,
    allowClientFlows: options.allowClientFlows === true,
    requireSignedInCallback: options.requireSignedInCallback === true,
    grantConflictPolicy: options.grantConflictPolicy ?? 'reject',
    resolveUserId: options.resolveUserId ?? defaultResolveUserId,
    refreshMarginSeconds: positiveNumber('refreshMarginSeconds', options.refreshMarginSeconds, 300),
    onGrantEvent: options.onGrantEvent,
    webhookSecret: options.webhookSecret,
    tokenCipher,
  };
}
