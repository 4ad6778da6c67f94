import { Inject, Injectable } from '@nestjs/common';

import { InvalidTokenResponseError, NylasRateLimitedError, NylasTimeoutError, NylasUnavailableError } from '../errors/nylas-api.errors.js';
import { createOAuthError } from '../errors/oauth.errors.js';
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
  tokenType?: string;
}

/** Largest token response body read; Nylas's are well under 16 KiB. */
const MAX_BODY_BYTES = 256 * 1024;

/**
 * Exchanges authorization codes at the Nylas token endpoint. It is written on `fetch` rather
 * than the official SDK so that it can follow no redirects, bound the body it reads, tell every
 * kind of failure apart, and keep provider text out of error messages. An exchange is never
 * retried: the code works once, so a retry could only fail or, worse, race the first attempt.
 */
@Injectable()
export class NylasTokenClient {
  private readonly tokenUrl: string;

  constructor(@Inject(NYLAS_CONNECT_OPTIONS) private readonly options: ResolvedNylasConnectOptions) {
    this.tokenUrl = `${options.apiUri}/v3/connect/token`;
  }

  /** Exchanges a code for tokens, sending the API key as `client_secret` and the PKCE verifier. */
  async exchangeCode(code: string, codeVerifier: string): Promise<NylasTokenResponse> {
    const body = {
      client_id: this.options.clientId,
      client_secret: this.options.apiKey,
      grant_type: 'authorization_code',
      code,
      redirect_uri: this.options.callbackUri,
      code_verifier: codeVerifier,
    };
    const { status, headers, text } = await this.post(body);
    const json = parseJson(text);

    if (status === 200) return readTokenResponse(json);
    if (status === 429) throw new NylasRateLimitedError(parseRetryAfter(headers.get('retry-after')));

    const oauthError = readOAuthError(json);
    if (oauthError && status >= 400) throw createOAuthError(oauthError.error, 'token', oauthError.description);
    throw new NylasUnavailableError(`the token endpoint responded with HTTP ${status}`, status);
  }

  private async post(body: Record<string, string>): Promise<{ status: number; headers: Headers; text: string }> {
    const timeoutMs = this.options.requestTimeoutMs;
    try {
      const response = await fetch(this.tokenUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify(body),
        redirect: 'manual',
        signal: AbortSignal.timeout(timeoutMs),
      });
      const text = await readBoundedText(response);
      return { status: response.status, headers: response.headers, text };
    } catch (error) {
      if (error instanceof NylasUnavailableError) throw error;
      if (error instanceof DOMException && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
        throw new NylasTimeoutError(timeoutMs, { cause: error });
      }
      throw new NylasUnavailableError('the token endpoint could not be reached', undefined, { cause: error });
    }
  }
}

async function readBoundedText(response: Response): Promise<string> {
  const declared = Number(response.headers.get('content-length'));
  if (declared > MAX_BODY_BYTES) {
    await response.body?.cancel();
    throw new NylasUnavailableError('the token response is too large', response.status);
  }
  if (!response.body) return '';

  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
    size += chunk.byteLength;
    if (size > MAX_BODY_BYTES) throw new NylasUnavailableError('the token response is too large', response.status);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function readOAuthError(json: unknown): { error: string; description?: string } | undefined {
  if (!isRecord(json) || typeof json.error !== 'string' || json.error === '') return undefined;
  const description = typeof json.error_description === 'string' ? json.error_description : undefined;
  return { error: json.error, description };
}

function requireString(json: Record<string, unknown>, field: string): string {
  const value = json[field];
  if (typeof value !== 'string' || value === '') throw new InvalidTokenResponseError(field);
  return value;
}

function optionalString(json: Record<string, unknown>, field: string): string | undefined {
  const value = json[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new InvalidTokenResponseError(field);
  return value;
}

/** `expires_in` is a number of seconds; a numeric string is accepted too, since some servers send one. */
function readExpiresIn(json: Record<string, unknown>): number {
  const raw = json.expires_in;
  const value = typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : raw;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
    throw new InvalidTokenResponseError('expires_in');
  }
  return value;
}

function readTokenResponse(json: unknown): NylasTokenResponse {
  if (!isRecord(json)) throw new InvalidTokenResponseError('body');
  return {
    accessToken: requireString(json, 'access_token'),
    expiresIn: readExpiresIn(json),
    idToken: requireString(json, 'id_token'),
    grantId: requireString(json, 'grant_id'),
    scope: optionalString(json, 'scope') ?? '',
    email: optionalString(json, 'email'),
    provider: optionalString(json, 'provider'),
    refreshToken: optionalString(json, 'refresh_token'),
    tokenType: optionalString(json, 'token_type'),
  };
}

/** Reads `Retry-After` as seconds; an HTTP date becomes the seconds until it. */
function parseRetryAfter(value: string | null): number | undefined {
  if (value === null) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const date = Date.parse(value);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, Math.ceil((date - Date.now()) / 1000));
}
