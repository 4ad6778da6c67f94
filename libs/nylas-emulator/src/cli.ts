#!/usr/bin/env node
/**
 * Runs the Nylas emulator until SIGINT or SIGTERM. Configuration comes from the environment;
 * see startEmulatorFromEnv for the variables and their defaults.
 */
import { DEFAULT_CLIENT_ID, startEmulatorFromEnv } from './start-from-env.js';

const log = (line: string): void => console.log(`[nylas-emulator] ${line}`);

try {
  const emulator = await startEmulatorFromEnv(process.env, log);
  const clientId = process.env.NYLAS_CLIENT_ID || DEFAULT_CLIENT_ID;
  log(`Use ${emulator.url} as the Nylas API URI; client ${clientId} is registered (API key from NYLAS_API_KEY).`);

  const stop = (signal: NodeJS.Signals): void => {
    log(`Received ${signal}, stopping`);
    emulator.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error('[nylas-emulator] Failed to stop cleanly:', error);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
} catch (error) {
  console.error(`[nylas-emulator] Failed to start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
