import type { Provider } from '@nestjs/common';
import NylasSdk from 'nylas';

import { NYLAS_CONNECT_OPTIONS } from '../nylas-connect.constants.js';
import type { ResolvedNylasConnectOptions } from '../resolved-options.js';
import { NYLAS_CLIENT } from './nylas-client.constants.js';

// nylas 8.4.0 ships CommonJS-shaped .d.ts files while Node loads its ES module build, so under
// `module: nodenext` TypeScript types the default import as the whole module. At run time it is
// the Nylas class, which the module type calls `default`.
const Nylas = NylasSdk as unknown as typeof NylasSdk.default;

/** The official Nylas SDK client (`nylas` on npm), as `new Nylas({ apiKey, apiUri, timeout })` returns it. */
export type NylasClient = InstanceType<typeof Nylas>;

/**
 * Creates an SDK client from the module options: the API key, the API base URL, and
 * `requestTimeoutMs` converted to the seconds the SDK takes (it would otherwise wait 90 seconds).
 */
export function createNylasClient(options: Pick<ResolvedNylasConnectOptions, 'apiKey' | 'apiUri' | 'requestTimeoutMs'>): NylasClient {
  return new Nylas({ apiKey: options.apiKey, apiUri: options.apiUri, timeout: options.requestTimeoutMs / 1000 });
}

/** Provides `NYLAS_CLIENT`, one client per module instance. */
export const nylasClientProvider: Provider = {
  provide: NYLAS_CLIENT,
  useFactory: (options: ResolvedNylasConnectOptions) => createNylasClient(options),
  inject: [NYLAS_CONNECT_OPTIONS],
};
