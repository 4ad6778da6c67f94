import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/** Keys for tokens at rest: the id of the key that encrypts, and every key that may still decrypt. */
export interface TokenEncryptionOptions {
  /** Id of the key new ciphertexts are written with. It must be in `keys`. */
  currentKeyId: string;
  /**
   * Keys by id, each 32 random bytes in base64 (`openssl rand -base64 32`). Keep retired keys
   * here until `NylasGrantRepository.reencryptTokens()` has moved every row to the current one.
   */
  keys: Record<string, string>;
}

/** A ciphertext stored in the database, with the id of the key that made it. */
export interface EncryptedValue {
  keyId: string;
  /** `v1.<iv>.<tag>.<ciphertext>`, each part base64url. */
  ciphertext: string;
}

const FORMAT_VERSION = 'v1';
const KEY_ID_PATTERN = /^[A-Za-z0-9_-]{1,32}$/;

/** Thrown when a ciphertext cannot be decrypted: unknown key id, malformed, or tampered with. */
export class TokenDecryptionError extends Error {
  constructor(reason: string) {
    super(`A stored token could not be decrypted: ${reason}.`);
    this.name = 'TokenDecryptionError';
  }
}

/**
 * Encrypts tokens with AES-256-GCM from `node:crypto`. Each value gets a fresh 96-bit IV, and
 * is bound to its row by the additional authenticated data (the grant id and the column), so a
 * ciphertext copied into another row or column fails to decrypt.
 */
export class TokenCipher {
  private readonly keys = new Map<string, Buffer>();

  constructor(private readonly options: TokenEncryptionOptions) {
    for (const [keyId, encoded] of Object.entries(options.keys)) {
      this.keys.set(keyId, decodeKey(keyId, encoded));
    }
    if (!this.keys.has(options.currentKeyId)) {
      throw new Error(`tokenEncryption.currentKeyId "${options.currentKeyId}" is not one of tokenEncryption.keys.`);
    }
  }

  get currentKeyId(): string {
    return this.options.currentKeyId;
  }

  /** Encrypts a value under the current key, bound to `context`. */
  encrypt(plaintext: string, context: string): EncryptedValue {
    const keyId = this.options.currentKeyId;
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.keys.get(keyId)!, iv);
    cipher.setAAD(Buffer.from(`${keyId}\u0000${context}`));
    const encrypted = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const parts = [FORMAT_VERSION, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), encrypted.toString('base64url')];
    return { keyId, ciphertext: parts.join('.') };
  }

  /** Decrypts a value made by `encrypt` with the same `context`, under whichever known key made it. */
  decrypt(value: EncryptedValue, context: string): string {
    const key = this.keys.get(value.keyId);
    if (!key) throw new TokenDecryptionError(`key id "${value.keyId}" is not configured`);

    const [version, iv, tag, encrypted, extra] = value.ciphertext.split('.');
    if (version !== FORMAT_VERSION || !iv || !tag || encrypted === undefined || extra !== undefined) {
      throw new TokenDecryptionError('the ciphertext is malformed');
    }
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
      decipher.setAAD(Buffer.from(`${value.keyId}\u0000${context}`));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(encrypted, 'base64url')), decipher.final()]).toString('utf8');
    } catch {
      throw new TokenDecryptionError('authentication failed, so the key or the data is wrong');
    }
  }
}

function decodeKey(keyId: string, encoded: string): Buffer {
  if (!KEY_ID_PATTERN.test(keyId)) {
    throw new Error(`tokenEncryption key id "${keyId}" must be 1 to 32 characters of letters, digits, "_" or "-".`);
  }
  const key = typeof encoded === 'string' ? Buffer.from(encoded, 'base64') : Buffer.alloc(0);
  if (key.length !== 32) {
    throw new Error(`tokenEncryption key "${keyId}" must be 32 bytes in base64 (openssl rand -base64 32), got ${key.length} bytes.`);
  }
  return key;
}
