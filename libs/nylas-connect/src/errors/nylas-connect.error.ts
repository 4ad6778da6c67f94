import { HttpException } from '@nestjs/common';

/** JSON body of every error response: `error` is the stable code, `message` is safe to show. */
export interface NylasErrorBody {
  statusCode: number;
  error: string;
  message: string;
}

/**
 * Base class of every error this module raises on purpose. `code` is stable and safe to
 * show to clients and to match on; `message` states what went wrong and what to do next, and
 * never contains provider text, tokens or codes. The original failure stays in `cause`.
 */
export class NylasConnectError extends HttpException {
  constructor(
    readonly code: string,
    message: string,
    status: number,
    options?: { cause?: unknown },
  ) {
    const body: NylasErrorBody = { statusCode: status, error: code, message };
    super(body, status, { cause: options?.cause });
    this.name = new.target.name;
  }
}
