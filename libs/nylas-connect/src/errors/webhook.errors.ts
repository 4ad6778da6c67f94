import { NylasConnectError } from './nylas-connect.error.js';

/** The `x-nylas-signature` header is missing or does not match the body. */
export class InvalidWebhookSignatureError extends NylasConnectError {
  constructor() {
    super('invalid_webhook_signature', 'The webhook signature is missing or does not match the body.', 401);
  }
}

/** The webhook body is not a Nylas event this module can read. */
export class InvalidWebhookPayloadError extends NylasConnectError {
  constructor(reason: string) {
    super('invalid_webhook_payload', `The webhook body is invalid: ${reason}.`, 400);
  }
}

/** The webhook route received a parsed body, so the bytes Nylas signed are lost. */
export class WebhookRawBodyMissingError extends NylasConnectError {
  constructor() {
    super(
      'webhook_raw_body_missing',
      'The webhook route has no raw body. Mount nylasWebhookRawBody() on the webhook path before Nest parses bodies.',
      500,
    );
  }
}
