import type { NylasConnectOptions } from 'nestjs-nylas-connect';

import type { DemoConfig } from '../config/demo-config.js';
import type { NylasEndpoint } from './nylas-endpoint.js';

/**
 * Builds the nylas-connect options of the demo. Success and failure both return to the page at
 * `/`, which reads `nylas_error` from its query. `overrides` are applied last; tests use them for
 * short timeouts and state lifetimes.
 */
export function createNylasConnectOptions(
  config: DemoConfig,
  endpoint: NylasEndpoint,
  overrides: Partial<NylasConnectOptions> = {},
): NylasConnectOptions {
  return {
    clientId: config.nylas.clientId,
    apiKey: config.nylas.apiKey,
    callbackUri: config.nylas.callbackUri,
    apiUri: endpoint.apiUri,
    jwksUri: endpoint.jwksUri,
    idTokenIssuer: endpoint.idTokenIssuer,
    successRedirect: '/',
    failureRedirect: '/',
    tokenEncryption: config.tokenEncryption,
    // A refresh token is only worth asking for when it can be stored.
    accessType: config.tokenEncryption ? 'offline' : 'online',
    webhookSecret: config.webhookSecret,
    // The demo shows a front end on @nylas/connect; see the option's warning before copying this.
    allowClientFlows: true,
    ...overrides,
  };
}
