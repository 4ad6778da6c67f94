import { NylasConnectError } from 'nestjs-nylas-connect';

/** Awaits a promise that must reject with a `NylasConnectError`, and returns that error. */
export async function errorOf(promise: Promise<unknown>): Promise<NylasConnectError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof NylasConnectError) return error;
    throw error;
  }
  throw new Error('Expected the promise to reject with a NylasConnectError, but it resolved.');
}
