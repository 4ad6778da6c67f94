import { NylasConnectError } from './nylas-connect.error.js';

/** The exchange request was started by one user and sent by another; nothing is exchanged or linked. */
export class FlowUserMismatchError extends NylasConnectError {
  constructor() {
    super('flow_user_mismatch', 'This sign-in flow was started by another user. Sign in as that user, or start connecting the mailbox again.', 403);
  }
}

/** The flow's stored mode does not allow the way it is being finished, for example a redirect flow sent to the exchange endpoint. */
export class FlowModeMismatchError extends NylasConnectError {
  constructor(message: string) {
    super('flow_mode_mismatch', message, 400);
  }
}

/** The JSON body of a flows or exchange request is not an object, or lacks a field, or a field has the wrong type. */
export class InvalidRequestBodyError extends NylasConnectError {
  constructor(message: string) {
    super('invalid_request_body', message, 400);
  }
}

/** A JSON endpoint of the module received another content type; only JSON is accepted, which also keeps plain HTML forms of other sites out. */
export class JsonBodyRequiredError extends NylasConnectError {
  constructor() {
    super('unsupported_media_type', 'Send the request body as JSON, with Content-Type: application/json.', 415);
  }
}

/** A client flow was requested while the `allowClientFlows` option is off. */
export class ClientFlowsDisabledError extends NylasConnectError {
  constructor() {
    super('client_flows_disabled', 'Front-end code exchange is turned off on this server. Use the redirect or pop-up flow.', 403);
  }
}
