import { createHash, randomBytes } from 'node:crypto';

/** Creates a PKCE code verifier: 32 random bytes, base64url, 43 characters (RFC 7636, section 4.1). */
export function createCodeVerifier(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * Computes the S256 code challenge the way Nylas checks it, which is not RFC 7636: base64 of the
 * lowercase hex SHA-256 digest, without `=` padding (86 characters). The RFC value (base64url
 * of the raw digest) fails at Nylas with "Code verifier challenge failed". The official Nylas
 * SDKs compute it this way too.
 */
export function createNylasCodeChallenge(verifier: string): string {
  const hexDigest = createHash('sha256').update(verifier).digest('hex');
  return Buffer.from(hexDigest).toString('base64').replace(/=+$/, '');
}
