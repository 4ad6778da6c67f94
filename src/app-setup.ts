import type { INestApplication } from '@nestjs/common';
import { nylasWebhookRawBody } from 'nestjs-nylas-connect';

import { WEBHOOK_PATH } from './app.module.js';
import type { DemoConfig } from './config/demo-config.js';

/**
 * Applies what must happen between creating the app and listening: the webhook route reads its
 * body as raw bytes, because Nylas signs those bytes, so that reader goes in before Nest's parsers.
 */
export function prepareDemoApp(app: INestApplication, config: DemoConfig): void {
  if (config.webhookSecret) app.use(WEBHOOK_PATH, nylasWebhookRawBody());
}
