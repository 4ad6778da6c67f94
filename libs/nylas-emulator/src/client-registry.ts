import { timingSafeEqual } from 'node:crypto';
import type { EmulatorClient } from './options.js';

/** Registered applications by client id; they survive `reset()`. */
export class ClientRegistry {
  private readonly clients = new Map<string, EmulatorClient>();

  /**
   * Registers an application, replacing one with the same client id.
   * Throws a TypeError for an empty id or key, an API key that another client uses,
   * or a callback URI that is not an absolute URL without a fragment (RFC 6749 section 3.1.2).
   */
  add(client: EmulatorClient): void {
    const checked = validateClient(client);
    const owner = this.findByApiKey(checked.apiKey);
    if (owner && owner.clientId !== checked.clientId) {
      throw new TypeError(`API key is already used by client ${owner.clientId}; give each client its own key`);
    }
    this.clients.set(checked.clientId, checked);
  }

  get(clientId: string): EmulatorClient | undefined {
    return this.clients.get(clientId);
  }

  /** Finds the client that owns an API key, comparing in constant time. */
  findByApiKey(apiKey: string): EmulatorClient | undefined {
    for (const client of this.clients.values()) {
      if (secretsEqual(client.apiKey, apiKey)) {
        return client;
      }
    }
    return undefined;
  }
}

/** Compares two secrets in time that does not depend on where they differ. */
export function secretsEqual(expected: string, actual: string): boolean {
  const expectedBytes = Buffer.from(expected, 'utf8');
  const actualBytes = Buffer.from(actual, 'utf8');
  return expectedBytes.length === actualBytes.length && timingSafeEqual(expectedBytes, actualBytes);
}

function validateClient(input: unknown): EmulatorClient {
  if (typeof input !== 'object' || input === null) {
    throw new TypeError('A client must be an object with clientId, apiKey and callbackUris');
  }
  const { clientId, apiKey, callbackUris } = input as Partial<Record<keyof EmulatorClient, unknown>>;
  if (typeof clientId !== 'string' || clientId === '') {
    throw new TypeError('Client clientId must be a non-empty string');
  }
  if (typeof apiKey !== 'string' || apiKey === '') {
    throw new TypeError(`Client ${clientId}: apiKey must be a non-empty string`);
  }
  if (!Array.isArray(callbackUris) || !callbackUris.every((uri) => typeof uri === 'string')) {
    throw new TypeError(`Client ${clientId}: callbackUris must be an array of strings`);
  }
  for (const uri of callbackUris) {
    validateCallbackUri(clientId, uri);
  }
  return { clientId, apiKey, callbackUris: [...callbackUris] };
}

function validateCallbackUri(clientId: string, uri: string): void {
  let parsed: URL;
  try {
    parsed = new URL(uri);
  } catch {
    throw new TypeError(`Client ${clientId}: callback URI ${JSON.stringify(uri)} is not an absolute URL`);
  }
  if (parsed.hash !== '' || uri.includes('#')) {
    throw new TypeError(`Client ${clientId}: callback URI ${JSON.stringify(uri)} must not contain a fragment`);
  }
}
