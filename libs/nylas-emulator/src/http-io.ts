import type { IncomingMessage, ServerResponse } from 'node:http';
import { MalformedRequestError } from './errors.js';

/** Largest request body the emulator reads (64 KiB); OAuth requests are far smaller. */
export const MAX_BODY_BYTES = 64 * 1024;

/**
 * Reads the whole request body, up to `limitBytes`.
 * Throws a 413 MalformedRequestError for a larger body, after which the connection is closed
 * because the rest of the body is never read.
 */
export function readBody(req: IncomingMessage, limitBytes = MAX_BODY_BYTES): Promise<Buffer> {
  const declaredLength = Number(req.headers['content-length'] ?? 0);
  if (declaredLength > limitBytes) {
    return Promise.reject(tooLarge(limitBytes));
  }

  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;

    const onData = (chunk: Buffer): void => {
      received += chunk.length;
      if (received > limitBytes) {
        cleanUp();
        reject(tooLarge(limitBytes));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      cleanUp();
      resolve(Buffer.concat(chunks));
    };
    const onError = (error: Error): void => {
      cleanUp();
      reject(error);
    };
    const cleanUp = (): void => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
    };

    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
  });
}

function tooLarge(limitBytes: number): MalformedRequestError {
  return new MalformedRequestError(413, `Request body is larger than the limit of ${limitBytes} bytes`);
}

/** Parses a JSON object body. Throws a 400 MalformedRequestError for invalid JSON or any other JSON value. */
export function parseJsonObject(body: Buffer): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    throw new MalformedRequestError(400, 'Request body is not valid JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new MalformedRequestError(400, 'Request body must be a JSON object');
  }
  return parsed as Record<string, unknown>;
}

/** Returns the media type of the request without parameters, in lower case, or '' when there is none. */
export function mediaType(req: IncomingMessage): string {
  const header = req.headers['content-type'] ?? '';
  return header.split(';')[0].trim().toLowerCase();
}

/** Returns true when the client asked for HTML, as a browser does on a navigation. */
export function acceptsHtml(req: IncomingMessage): boolean {
  return (req.headers.accept ?? '').toLowerCase().includes('text/html');
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { ...headers, 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

export function sendHtml(res: ServerResponse, status: number, html: string): void {
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'content-length': Buffer.byteLength(html),
    // The pages run no scripts and load nothing, so nothing injected into them could either.
    'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
    'cache-control': 'no-store',
  });
  res.end(html);
}

/** Sends a 303 See Other, which makes the browser follow with a GET even after a form POST. */
export function sendRedirect(res: ServerResponse, location: string): void {
  res.writeHead(303, { location, 'cache-control': 'no-store', 'content-length': 0 });
  res.end();
}

export function sendNoContent(res: ServerResponse): void {
  res.writeHead(204);
  res.end();
}

/** Sends a response exactly as given, for injected faults. */
export function sendRaw(res: ServerResponse, status: number, headers: Record<string, string>, body: string): void {
  res.writeHead(status, { ...headers, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}
