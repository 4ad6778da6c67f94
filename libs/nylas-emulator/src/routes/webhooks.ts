import type { RequestContext } from '../emulator-context.js';
import { ApiError } from '../errors.js';
import { sendJson, sendNoContent } from '../http-io.js';
import { WebhookChallengeError } from '../webhook-challenge.js';
import { registerWebhook } from '../webhook-registration.js';
import { invalidControlRequest, readJsonObject } from './control-request.js';

/**
 * POST /__emulator/webhooks with `{ "url", "secret"?, "triggers"?, "compressed"? }`: runs the challenge
 * handshake and responds 201 with the registered webhook, secret included. Invalid options and a failed
 * handshake get 400.
 */
export async function handleAddWebhook(context: RequestContext): Promise<void> {
  const options = await readJsonObject(context);
  let webhook;
  try {
    webhook = await registerWebhook(context.emulator, options);
  } catch (error) {
    if (error instanceof TypeError || error instanceof WebhookChallengeError) {
      throw invalidControlRequest(error.message);
    }
    throw error;
  }
  sendJson(context.res, 201, webhook);
}

/** DELETE /__emulator/webhooks/{webhookId}: 204, or 404 for an unknown webhook. Its pending retries stop. */
export async function handleRemoveWebhook(context: RequestContext): Promise<void> {
  const { emulator, pathParams } = context;
  if (!emulator.webhooks.remove(pathParams.webhookId)) {
    throw new ApiError(404, 'not_found_error', `Webhook ${JSON.stringify(pathParams.webhookId)} not found`);
  }
  emulator.log(`Removed webhook ${pathParams.webhookId}`);
  sendNoContent(context.res);
}
