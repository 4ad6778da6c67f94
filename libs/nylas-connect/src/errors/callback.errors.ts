import { NylasConnectError } from './nylas-connect.error.js';

/** The callback URL is not one Nylas would send: malformed, or without the parameters a callback needs. */
export class InvalidCallbackError extends NylasConnectError {
  constructor(code: 'invalid_callback_url' | 'missing_callback_parameters' | 'duplicate_callback_parameter' | 'missing_state', message: string) {
    super(code, message, 400);
  }
}

/** No pending flow has this state: it was never issued here, or was purged. */
export class StateNotFoundError extends NylasConnectError {
  constructor() {
    super('state_not_found', 'The sign-in flow was not found or has ended. Start connecting the mailbox again.', 400);
  }
}

/** The pending flow outlived the state lifetime. */
export class StateExpiredError extends NylasConnectError {
  constructor() {
    super('state_expired', 'The sign-in flow took too long and expired. Start connecting the mailbox again.', 400);
  }
}

/** The state was already used by another callback, which is how a replayed or duplicated callback shows. */
export class StateAlreadyUsedError extends NylasConnectError {
  constructor() {
    super('state_already_used', 'This sign-in flow was already completed or is being completed. Start again if the mailbox is not connected.', 400);
  }
}
