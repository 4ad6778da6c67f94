import { Inject, Injectable } from '@nestjs/common';

import { InvalidTokenResponseError, NylasUnavailableError } from '../errors/nylas-api.errors.js';
import { createOAuthError } from '../errors/oauth.errors.js';
import { isRecord, requestNylas, type NylasHttpResponse } from '../http/nylas-http.js';
import { NYLAS_CONNECT_OPTIONS } from '../nylas-connect.constants.js';
import type { ResolvedNylasConnectOptions } from '../resolved-options.js';

/** Checked body of a successful response from `POST /v3/connect/token`. */
export interface NylasTokenResponse {
  accessToken: string;
  /** Lifetime of the access token, in seconds. */
  expiresIn: number;
  idToken: string;
  grantId: string;
  scope: string;
  email?: string;
  provider?: string;
  refreshToken?: string;
}

/** Checked body of a successful refresh: Nylas may leave out the ID token and the grant id. */
export interface NylasRefreshResponse {
  accessToken: string;
  expiresIn: number;
  /** A new refresh token when Nylas rotates it; otherwise the old one stays valid. */
  refreshToken?: string;
  scope?: string;
}

/**
 * Calls the Nylas OAuth endpoints: code exchange, refresh and revocation. It is written on
 * `fetch` rather than the official SDK so that it can follow no redirects, bound the body it
 * reads, tell every kind of failure apart, and keep provider text out of error messages. An
 * exchange is never retried, because the code works once.
 */
@Injectable()
export class NylasTokenClient {
  constructor(@Inject(NYLAS_CONNECT_OPTIONS) private readonly options: ResolvedNylasConnectOptions) {}

  /**
   * Exchanges a code for tokens, sending the API key as `client_secret` and the PKCE verifier.
   * Without a verifier (a flow whose authorization URL had no challenge) none is sent, because
   * a verifier without a challenge fails the exchange.
   */
  async exchangeCode(code: string, codeVerifier: string | undefined): Promise<NylasTokenResponse> {
    const response = await this.postToken({
      client_id: this.options.clientId,
      client_secret: this.options.apiKey,
      grant_type: 'authorization_code',
      code,
      redirect_uri: this.options.callbackUri,
      ...(codeVerifier === undefined ? {} : { code_verifier: codeVerifier }),
    });
    const json = requireTokenBody(response.json);
    return {
      accessToken: requireString(json, 'access_token'),
      expiresIn: readExpiresIn(json),
      idToken: requireString(json, 'id_token'),
      grantId: requireString(json, 'grant_id'),
      scope: optionalString(json, 'scope') ?? '',
      email: optionalString(json, 'email'),
      provider: optionalString(json, 'provider'),
      refreshToken: optionalString(json, 'refresh_token'),
    };
  }

  /** Gets a new access token with a refresh token. An OAuth error means the refresh token is dead. */
  async refresh(refreshToken: string): Promise<NylasRefreshResponse> {
    const response = await this.postToken({
      client_id: this.options.clientId,
      client_secret: this.options.apiKey,
      grant_type: 'refresh_token',
      refresh_token: refreshToken,
    });
    const json = requireTokenBody(response.json);
    return {
      accessToken: requireString(json, 'access_token'),
      expiresIn: readExpiresIn(json),
      refreshToken: optionalString(json, 'refresh_token'),
      scope: optionalString(json, 'scope'),
    };
  }

  /**
   * Revokes a token at `POST /v3/connect/revoke`. Nylas takes the token in the query string.
   * Revoking an access token also revokes its refresh token; the grant stays.
   */
  async revoke(token: string): Promise<void> {
    const url = new URL(`${this.options.apiUri}/v3/connect/revoke`);
    url.searchParams.set('token', token);
    const response = await requestNylas({
      method: 'POST',
      url: url.toString(),
      headers: { authorization: `Bearer ${this.options.apiKey}` },
      timeoutMs: this.options.requestTimeoutMs,
      target: 'the revoke endpoint',
    });
    if (response.status === 200) return;
    throwForFailure(response, 'the revoke endpoint');
  }

  private async postToken(body: Record<string, string>): Promise<NylasHttpResponse> {
    const response = await requestNylas({
      method: 'POST',
      url: `${this.options.apiUri}/v3/connect/token`,
      body,
      timeoutMs: this.options.requestTimeoutMs,
      target: 'the token endpoint',
    });
    if (response.status === 200) return response;
    throwForFailure(response, 'the token endpoint');
  }
}

/** Throws the typed error for a failed response: the OAuth error Nylas named, or unavailable. */
function throwForFailure(response: NylasHttpResponse, target: string): never {
  const json = response.json;
  if (response.status >= 400 && isRecord(json) && typeof json.error === 'string' && json.error !== '') {
    const description = typeof json.error_description === 'string' ? json.error_description : undefined;
    throw createOAuthError(json.error, 'token', description);
  }
  throw new NylasUnavailableError(`${target} responded with HTTP ${response.status}`, response.status);
}

function requireTokenBody(json: unknown): Record<string, unknown> {
  if (!isRecord(json)) throw new InvalidTokenResponseError('body');
  return json;
}

/**
 * Longest accepted value of each stored field, matching its database column, so a response that
 * would not fit is rejected before anything is written rather than failing the insert.
 */
const MAX_FIELD_LENGTH: Record<string, number> = { grant_id: 255, email: 320, provider: 32 };

/** Longest accepted token or scope string. */
const MAX_TOKEN_LENGTH = 16 * 1024;

function requireString(json: Record<string, unknown>, field: string): string {
  const value = json[field];
  if (typeof value !== 'string' || value === '' || value.length > (MAX_FIELD_LENGTH[field] ?? MAX_TOKEN_LENGTH)) {
    throw new InvalidTokenResponseError(field);
  }
  return value;
}

function optionalString(json: Record<string, unknown>, field: string): string | undefined {
  const value = json[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || value.length > (MAX_FIELD_LENGTH[field] ?? MAX_TOKEN_LENGTH)) throw new InvalidTokenResponseError(field);
  return value;
}

/** Maximum access-token lifetime accepted: a year. Nylas issues tokens for an hour. */
const MAX_EXPIRES_IN_SECONDS = 365 * 24 * 60 * 60;

/**
 * `expires_in` is a number of seconds; a numeric string is accepted too, since some servers send
 * one. A value over a year is rejected, because an expiry that far out is a fault, and a huge one
 * would not fit a date.
 */
function readExpiresIn(json: Record<string, unknown>): number {
  const raw = json.expires_in;
  const value = typeof raw === 'string' && /^\d{1,12}$/.test(raw) ? Number(raw) : raw;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0 || value > MAX_EXPIRES_IN_SECONDS) {
    throw new InvalidTokenResponseError('expires_in');
  }
  return value;
}
