import { NylasRateLimitedError, NylasTimeoutError, NylasUnavailableError } from '../errors/nylas-api.errors.js';

/** A response from Nylas, read in full and bounded in size. */
export interface NylasHttpResponse {
  status: number;
  headers: Headers;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  json: unknown;
  /** Nylas's `x-request-id`, for logs. */
  requestId?: string;
}

export interface NylasHttpRequest {
  method: 'GET' | 'POST' | 'DELETE';
  url: string;
  headers?: Record<string, string>;
  body?: unknown;
  timeoutMs: number;
  /** Names the call in error messages, for example "the token endpoint". */
  target: string;
}

/** Largest response body read; Nylas's authentication responses are well under 16 KiB. */
const MAX_BODY_BYTES = 256 * 1024;

/**
 * Sends one request to Nylas with `fetch`: a timeout, no redirects followed, a bounded body,
 * and network failures turned into the module's typed errors. Nothing is retried here, because
 * an authorization code or a refresh must not be sent twice.
 */
export async function requestNylas(request: NylasHttpRequest): Promise<NylasHttpResponse> {
  const headers: Record<string, string> = { accept: 'application/json', ...request.headers };
  if (request.body !== undefined) headers['content-type'] = 'application/json';

  let response: Response;
  let text: string;
  try {
    response = await fetch(request.url, {
      method: request.method,
      headers,
      body: request.body === undefined ? undefined : JSON.stringify(request.body),
      redirect: 'manual',
      signal: AbortSignal.timeout(request.timeoutMs),
    });
    text = await readBoundedText(response, request.target);
  } catch (error) {
    if (error instanceof NylasUnavailableError) throw error;
    if (error instanceof DOMException && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
      throw new NylasTimeoutError(request.timeoutMs, { cause: error });
    }
    throw new NylasUnavailableError(`${request.target} could not be reached`, undefined, { cause: error });
  }

  if (response.status === 429) throw new NylasRateLimitedError(parseRetryAfter(response.headers.get('retry-after')));
  return {
    status: response.status,
    headers: response.headers,
    json: parseJson(text),
    requestId: response.headers.get('x-request-id') ?? undefined,
  };
}

/** Returns whether a value is a plain JSON object. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

async function readBoundedText(response: Response, target: string): Promise<string> {
  const declared = Number(response.headers.get('content-length'));
  if (declared > MAX_BODY_BYTES) {
    await response.body?.cancel();
    throw new NylasUnavailableError(`the response of ${target} is too large`, response.status);
  }
  if (!response.body) return '';

  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
    size += chunk.byteLength;
    if (size > MAX_BODY_BYTES) throw new NylasUnavailableError(`the response of ${target} is too large`, response.status);
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

/** Maximum wait passed on from `Retry-After`, because a larger value is a fault, not advice. */
const MAX_RETRY_AFTER_SECONDS = 3600;

/** Reads `Retry-After` as seconds, at most an hour; an HTTP date becomes the seconds until it. */
function parseRetryAfter(value: string | null): number | undefined {
  if (value === null) return undefined;
  const seconds = /^\d{1,10}$/.test(value.trim()) ? Number(value.trim()) : Math.ceil((Date.parse(value) - Date.now()) / 1000);
  if (Number.isNaN(seconds)) return undefined;
  return Math.min(MAX_RETRY_AFTER_SECONDS, Math.max(0, seconds));
}
