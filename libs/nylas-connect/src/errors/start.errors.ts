import { NylasConnectError } from './nylas-connect.error.js';

/** A flow was started without a signed-in application user. */
export class NotSignedInError extends NylasConnectError {
  constructor() {
    super('not_signed_in', 'Sign in before connecting a mailbox.', 401);
  }
}

/** A start parameter (`returnTo`, `provider`, `loginHint`, `mode`) is not acceptable. */
export class InvalidStartParameterError extends NylasConnectError {
  constructor(
    code: 'invalid_return_to' | 'invalid_provider' | 'invalid_login_hint' | 'invalid_user_id' | 'unexpected_callback_parameters' | 'invalid_mode',
    message: string,
  ) {
    super(code, message, 400);
  }
}
