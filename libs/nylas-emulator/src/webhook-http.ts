import { request as httpRequest, type IncomingMessage } from 'node:http';
import { loopbackLookup } from './loopback-url.js';

/** An outgoing request of the webhook machinery: a challenge GET or a delivery POST. */
export interface OutgoingRequest {
  method: 'GET' | 'POST';
  /** A URL that `parseLoopbackUrl` accepted. */
  url: URL;
  headers?: Record<string, string | number>;
  body?: Buffer;
  /** Time limit for the whole exchange, from connecting to the end of the response body. */
  timeoutMs: number;
  /** Aborting it destroys the request, for `close()` and `reset()`. */
  signal: AbortSignal;
  /** Bytes of the response body to keep; the rest is read and dropped. */
  maxResponseBytes: number;
}

export interface OutgoingResponse {
  statusCode: number;
  /** The first `maxResponseBytes` bytes of the body. */
  body: Buffer;
}

/** Why an outgoing request ended without a response: `timeout`, `connection` (refused, reset, DNS) or `cancelled`. */
export type OutgoingFailure = 'timeout' | 'connection' | 'cancelled';

export class OutgoingRequestError extends Error {
  constructor(
    readonly failure: OutgoingFailure,
    message: string,
  ) {
    super(message);
    this.name = 'OutgoingRequestError';
  }
}

/**
 * Sends one request to a loopback endpoint and reads the response. Uses a fresh connection without
 * keep-alive, so no socket outlives the exchange. Rejects with an OutgoingRequestError for a timeout,
 * a connection error or cancellation, and resolves for any HTTP status.
 */
export function sendOutgoingRequest(outgoing: OutgoingRequest): Promise<OutgoingResponse> {
  if (outgoing.signal.aborted) {
    return Promise.reject(cancelled());
  }

  return new Promise((resolve, reject) => {
    const req = httpRequest(outgoing.url, {
      method: outgoing.method,
      headers: outgoing.headers,
      agent: false,
      lookup: loopbackLookup,
    });

    // Once the response has begun, destroying the request surfaces as a body error, so the cause is kept here.
    let cause: OutgoingRequestError | undefined;
    const timer = setTimeout(() => {
      cause = new OutgoingRequestError('timeout', `No response within ${outgoing.timeoutMs} ms`);
      req.destroy(cause);
    }, outgoing.timeoutMs);
    const onAbort = (): void => {
      cause = cancelled();
      req.destroy(cause);
    };
    outgoing.signal.addEventListener('abort', onAbort, { once: true });

    const settle = (): void => {
      clearTimeout(timer);
      outgoing.signal.removeEventListener('abort', onAbort);
    };
    const fail = (error: Error): void => {
      settle();
      reject(cause ?? new OutgoingRequestError('connection', error.message));
    };

    req.on('error', fail);
    req.on('response', (res) => {
      readLimited(res, outgoing.maxResponseBytes).then((body) => {
        settle();
        resolve({ statusCode: res.statusCode ?? 0, body });
      }, fail);
    });
    req.end(outgoing.body);
  });
}

/** Reads a response body to its end and keeps at most `limitBytes` of it. */
function readLimited(res: IncomingMessage, limitBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let keptBytes = 0;
    res.on('data', (chunk: Buffer) => {
      if (keptBytes < limitBytes) {
        const part = chunk.subarray(0, limitBytes - keptBytes);
        chunks.push(part);
        keptBytes += part.length;
      }
    });
    res.on('end', () => resolve(Buffer.concat(chunks)));
    res.on('error', reject);
    res.on('close', () => {
      if (!res.complete) {
        reject(new OutgoingRequestError('connection', 'The connection closed before the response body ended'));
      }
    });
  });
}

function cancelled(): OutgoingRequestError {
  return new OutgoingRequestError('cancelled', 'Cancelled because the emulator closed or was reset');
}
