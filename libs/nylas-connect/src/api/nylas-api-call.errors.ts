import { NylasConnectError } from '../errors/nylas-connect.error.js';

/**
 * Nylas reports the grant's status as `invalid`: it expired, or the user withdrew access at the
 * provider. API calls with it fail until the user connects the mailbox again.
 */
export class GrantExpiredError extends NylasConnectError {
  constructor(readonly grantId: string) {
    super('grant_expired', 'The connection to this mailbox has expired. Connect the mailbox again.', 409);
  }
}

/**
 * A Nylas API request (not the code exchange) failed: Nylas could not be reached, answered with
 * an error status, or answered with a body that is not its JSON. `upstreamStatus` and `requestId`
 * are for operators; Nylas's error text is never put in the message.
 */
export class NylasApiRequestError extends NylasConnectError {
  constructor(
    detail: string,
    readonly upstreamStatus?: number,
    readonly requestId?: string,
    options?: { cause?: unknown },
  ) {
    super('nylas_api_error', `The request to Nylas failed (${detail}). Try again later.`, 502, options);
  }
}
