import { Controller, Get, Headers, HttpCode, Inject, Post, Query, Req, Res, type Type } from '@nestjs/common';
import type { Request, Response } from 'express';

import { InvalidWebhookPayloadError, WebhookRawBodyMissingError } from '../errors/webhook.errors.js';
import { NYLAS_CONNECT_OPTIONS } from '../nylas-connect.constants.js';
import { InvalidNylasConnectOptionError, type ResolvedNylasConnectOptions } from '../resolved-options.js';
import { NylasWebhookService, type WebhookOutcome } from './nylas-webhook.service.js';

/** Maximum length of a challenge echoed back; Nylas sends a short random string. */
const MAX_CHALLENGE_LENGTH = 1024;

/**
 * Creates the webhook controller at `path`. `GET` completes Nylas's `?challenge=` handshake with
 * the challenge as plain text. `POST` verifies and applies an event: 200 when it was applied,
 * repeated or ignored, 401 for a bad signature, and 400 for a malformed body.
 */
export function createNylasWebhookController(path: string): Type<unknown> {
  @Controller(path)
  class NylasWebhookController {
    constructor(
      private readonly webhooks: NylasWebhookService,
      @Inject(NYLAS_CONNECT_OPTIONS) options: ResolvedNylasConnectOptions,
    ) {
      if (!options.webhookSecret) {
        throw new InvalidNylasConnectOptionError('webhookSecret', 'is required when webhookPath is set.');
      }
    }

    @Get()
    challenge(@Query('challenge') challenge: unknown, @Res() response: Response): void {
      if (typeof challenge !== 'string' || challenge === '' || challenge.length > MAX_CHALLENGE_LENGTH) {
        throw new InvalidWebhookPayloadError('the challenge parameter is missing');
      }
      response.status(200).type('text/plain').send(challenge);
    }

    @Post()
    @HttpCode(200)
    async receive(
      @Req() request: Request,
      @Headers('x-nylas-signature') signature: string | undefined,
      @Headers('content-encoding') contentEncoding: string | undefined,
    ): Promise<{ outcome: WebhookOutcome }> {
      if (!Buffer.isBuffer(request.body)) throw new WebhookRawBodyMissingError();
      const outcome = await this.webhooks.handle(request.body, signature, contentEncoding);
      return { outcome };
    }
  }
  return NylasWebhookController;
}
