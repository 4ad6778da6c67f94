import { createHash, randomBytes } from 'node:crypto';

/** Creates an OAuth `state`: 32 random bytes (256 bits), base64url, 43 characters. */
export function createState(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * Hashes a state for storage. Only the hash is stored, so a copy of the pending-flow table
 * alone cannot be used to finish someone else's flow.
 */
export function hashState(state: string): string {
  return createHash('sha256').update(state).digest('base64url');
}
