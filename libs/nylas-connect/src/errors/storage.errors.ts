import { NylasConnectError } from './nylas-connect.error.js';

/** The database failed; every write is a single statement, so nothing is half written. */
export class StorageUnavailableError extends NylasConnectError {
  constructor(operation: string, options?: { cause?: unknown }) {
    super('storage_unavailable', `The database failed while ${operation}. Start again.`, 503, options);
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

/** The pending-flow table is at `maxPendingFlows`; starts are refused until flows finish or expire. */
export class TooManyPendingFlowsError extends NylasConnectError {
  constructor() {
    super('too_many_pending_flows', 'Too many sign-in flows are in progress. Try again in a few minutes.', 503);
  }
}

/** The link of a grant changed while it was being written; writing it again is safe. */
export class GrantLinkChangedError extends NylasConnectError {
  constructor(readonly grantId: string) {
    super('grant_link_changed', 'The mailbox link changed while it was being saved. Start again.', 409);
  }
}
