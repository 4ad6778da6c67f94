import type { NextFunction, Request, Response } from 'express';

/** Default limit of a webhook body; Nylas grant events are under 2 KiB. */
const DEFAULT_LIMIT_BYTES = 1024 * 1024;

/**
 * Express middleware that keeps the webhook body as the exact bytes received, still compressed
 * when Nylas sent it gzipped, because `x-nylas-signature` is computed over those bytes. Nest's
 * JSON parser would decompress and re-read them. Mount it on the webhook path before Nest
 * registers its parsers: `app.use('/webhooks/nylas', nylasWebhookRawBody())` before `listen()`.
 */
export function nylasWebhookRawBody(options: { limitBytes?: number } = {}) {
  const limit = options.limitBytes ?? DEFAULT_LIMIT_BYTES;

  return (request: Request, response: Response, next: NextFunction): void => {
    if (request.method !== 'POST') return next();

    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit && !failed) {
        failed = true;
        response.status(413).json({ statusCode: 413, error: 'payload_too_large', message: `The webhook body is larger than ${limit} bytes.` });
        request.destroy();
        return;
      }
      if (!failed) chunks.push(chunk);
    });
    request.on('end', () => {
      if (failed) return;
      request.body = Buffer.concat(chunks);
      // Tells body-parser that the body was read, so Nest's parsers leave it alone.
      (request as Request & { _body?: boolean })._body = true;
      next();
    });
    request.on('error', (error) => {
      if (!failed) next(error);
    });
  };
}
