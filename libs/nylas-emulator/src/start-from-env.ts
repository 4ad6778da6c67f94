import { NylasEmulator } from './nylas-emulator.js';

export const DEFAULT_EMULATOR_HOST = '127.0.0.1';
export const DEFAULT_EMULATOR_PORT = 4010;
export const DEFAULT_CLIENT_ID = 'demo-client-id';
export const DEFAULT_API_KEY = 'demo-api-key';
export const DEFAULT_CALLBACK_URI = 'http://localhost:3000/auth/nylas/callback';

/**
 * Starts an emulator configured from environment variables, with one registered client:
 * `EMULATOR_HOST` (default 127.0.0.1), `EMULATOR_PORT` (default 4010; 0 picks a free port),
 * `NYLAS_CLIENT_ID` (default demo-client-id), `NYLAS_API_KEY` (default demo-api-key) and
 * `NYLAS_CALLBACK_URI` (default http://localhost:3000/auth/nylas/callback).
 * Rejects when EMULATOR_PORT is not a port number or the callback URI is not an absolute URL.
 */
export async function startEmulatorFromEnv(
  env: Record<string, string | undefined> = process.env,
  logger?: (line: string) => void,
): Promise<NylasEmulator> {
  return NylasEmulator.start({
    host: env.EMULATOR_HOST || DEFAULT_EMULATOR_HOST,
    port: parsePort(env.EMULATOR_PORT),
    clients: [
      {
        clientId: env.NYLAS_CLIENT_ID || DEFAULT_CLIENT_ID,
        apiKey: env.NYLAS_API_KEY || DEFAULT_API_KEY,
        callbackUris: [env.NYLAS_CALLBACK_URI || DEFAULT_CALLBACK_URI],
      },
    ],
    logger,
  });
}

function parsePort(value: string | undefined): number {
  if (value === undefined || value === '') {
    return DEFAULT_EMULATOR_PORT;
  }
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65535) {
    throw new Error(`EMULATOR_PORT must be an integer from 0 to 65535, got ${JSON.stringify(value)}`);
  }
  return port;
}
