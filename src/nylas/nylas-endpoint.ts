import type { OnApplicationShutdown } from '@nestjs/common';
import type { NylasEmulator } from 'nylas-emulator';

/** Injection token of the `NylasEndpoint` the app talks to. */
export const NYLAS_ENDPOINT = Symbol('NYLAS_ENDPOINT');

/**
 * Where the library sends its Nylas requests, and how it checks ID tokens there. When the demo
 * started a local emulator, this keeps a reference to it and closes it after the HTTP server has stopped.
 */
export class NylasEndpoint implements OnApplicationShutdown {
  constructor(
    readonly apiUri: string,
    readonly jwksUri?: string,
    readonly idTokenIssuer?: string,
    /** The emulator the demo started itself; undefined when it talks to a Nylas API. */
    readonly emulator?: NylasEmulator,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await this.emulator?.close();
  }
}
