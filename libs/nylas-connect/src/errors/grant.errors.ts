import { NylasConnectError } from './nylas-connect.error.js';

/** Nylas no longer accepts the grant (it expired or was revoked); the user must connect the mailbox again. */
export class GrantInvalidError extends NylasConnectError {
  constructor(
    readonly grantId: string,
    options?: { cause?: unknown },
  ) {
    super('grant_invalid', 'The connected mailbox needs to be connected again, because Nylas no longer accepts its grant.', 409, options);
  }
}

/** No token is stored for the grant, because `tokenEncryption` is not configured or the grant is unknown. */
export class TokensNotStoredError extends NylasConnectError {
  constructor(readonly grantId: string) {
    super(
      'tokens_not_stored',
      'No access token is stored for this grant. Configure tokenEncryption, or call Nylas with the API key and the grant id.',
      409,
    );
  }
}

/** The stored access token expired and there is no refresh token to renew it. */
export class AccessTokenExpiredError extends NylasConnectError {
  constructor(readonly grantId: string) {
    super(
      'access_token_expired',
      'The stored access token expired and no refresh token is stored. Use accessType "offline", or call Nylas with the API key and the grant id.',
      409,
    );
  }
}

/** A disconnect stopped at a Nylas call; the link is still in place, so the whole disconnect can be retried. */
export class DisconnectIncompleteError extends NylasConnectError {
  constructor(
    readonly grantId: string,
    readonly failedStep: 'revoke' | 'delete_grant',
    options?: { cause?: unknown },
  ) {
    const step = failedStep === 'revoke' ? 'revoking the tokens' : 'deleting the grant';
    super('disconnect_incomplete', `Nylas failed while ${step}; the mailbox is still connected. Retry the disconnect.`, 502, options);
  }
}

/** A stored token cannot be decrypted: its key id is no longer in `tokenEncryption.keys`, or the row was altered. */
export class StoredTokenUnreadableError extends NylasConnectError {
  constructor(
    readonly grantId: string,
    options?: { cause?: unknown },
  ) {
    super(
      'stored_token_unreadable',
      'The stored token of this grant cannot be decrypted. Add its key back to tokenEncryption.keys, or have the user connect the mailbox again.',
      500,
      options,
    );
  }
}
