import { NylasConnectError } from './nylas-connect.error.js';

/** The database failed; nothing was half written. */
export class StorageUnavailableError extends NylasConnectError {
  constructor(operation: string, options?: { cause?: unknown }) {
    super('storage_unavailable', `The database failed while ${operation}; nothing was saved. Start again.`, 503, options);
  }
}

/** The grant id is linked to another application user and `grantConflictPolicy` is `reject`. */
export class GrantLinkedToOtherUserError extends NylasConnectError {
  constructor(readonly grantId: string) {
    super('grant_linked_to_other_user', 'This mailbox is already connected to another account. Disconnect it there first.', 409);
  }
}

/** The user has no linked grant with this id. */
export class GrantNotFoundError extends NylasConnectError {
  constructor(readonly grantId: string) {
    super('grant_not_found', 'No connected mailbox with this grant id belongs to this user.', 404);
  }
}
