export { NylasEmulator } from './nylas-emulator.js';
export type { EmulatorClient, NylasEmulatorOptions } from './options.js';
export type { EmulatorEndpoint } from './endpoints.js';
export type { EmulatorFault } from './faults.js';
export type { EmulatorStats } from './stats.js';
export { startEmulatorFromEnv } from './start-from-env.js';
