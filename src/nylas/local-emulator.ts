import { Logger } from '@nestjs/common';
import { NylasEmulator } from 'nylas-emulator';

import type { NylasTarget } from '../config/demo-config.js';
import { NylasEndpoint } from './nylas-endpoint.js';

type EmulatorTarget = Extract<NylasTarget, { mode: 'emulator' }>;

/**
 * Starts the local Nylas emulator on 127.0.0.1 with one application that matches the demo's
 * client id, API key and callback URI, and returns the endpoint that points the library at it.
 * ID tokens are then verified against the emulator's JWKS and issuer.
 */
export async function startLocalEmulator(target: EmulatorTarget): Promise<NylasEndpoint> {
  const logger = new Logger('NylasEmulator');
  const emulator = await NylasEmulator.start({
    host: '127.0.0.1',
    port: target.port,
    clients: [{ clientId: target.clientId, apiKey: target.apiKey, callbackUris: [target.callbackUri] }],
    logger: (line) => logger.verbose(line),
  });

  logger.log(
    `NYLAS_API_KEY is not set, so the demo runs against the local Nylas emulator at ${emulator.url} ` +
      `(client id ${target.clientId}); no request leaves this machine.`,
  );
  return new NylasEndpoint(emulator.url, emulator.jwksUri, emulator.issuer, emulator);
}

/** Returns the endpoint of the configured Nylas API, or starts the local emulator when no API key is set. */
export async function resolveNylasEndpoint(target: NylasTarget): Promise<NylasEndpoint> {
  if (target.mode === 'emulator') return startLocalEmulator(target);
  return new NylasEndpoint(target.apiUri, target.jwksUri, target.idTokenIssuer);
}

/**
 * Registers the demo's webhook route at the emulator the demo started, so grant events
 * (created, updated, expired, deleted) reach the demo as they would from Nylas. Does nothing
 * when the demo talks to a Nylas API: there the webhook is set up in the Nylas Dashboard.
 */
export async function registerLocalWebhook(endpoint: NylasEndpoint, webhookUrl: string, secret: string): Promise<void> {
  if (!endpoint.emulator) return;
  await endpoint.emulator.addWebhook({ url: webhookUrl, secret });
  new Logger('NylasEmulator').log(`Grant webhooks from the emulator go to ${webhookUrl}`);
}
