import type { Logger } from '@nestjs/common';

import { describeError } from '../errors/describe-error.js';
import { NylasConnectError } from '../errors/nylas-connect.error.js';
import { StorageUnavailableError } from '../errors/storage.errors.js';

/**
 * Runs `work` and turns any failure that is not one of the module's typed errors into
 * `StorageUnavailableError` (503), logged without its message. Every Nylas failure is already
 * typed, so what remains comes from the database.
 */
export async function withStorageErrors<T>(operation: string, logger: Logger, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof NylasConnectError) throw error;
    logger.error(`The database failed while ${operation}: ${describeError(error)}`);
    throw new StorageUnavailableError(operation, { cause: error });
  }
}
