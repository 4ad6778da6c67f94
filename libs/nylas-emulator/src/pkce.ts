import { createHash, timingSafeEqual } from 'node:crypto';

/** PKCE transformation as named in the authorization request, after case folding. */
export type CodeChallengeMethod = 'plain' | 'S256';

/**
 * Parses `code_challenge_method` in any case, because the Nylas Node SDK 8.4.0 sends `s256`.
 * Returns undefined for an unsupported method.
 */
export function parseCodeChallengeMethod(value: string): CodeChallengeMethod | undefined {
  const folded = value.toLowerCase();
  if (folded === 'plain') {
    return 'plain';
  }
  if (folded === 's256') {
    return 'S256';
  }
  return undefined;
}

/**
 * Computes the challenge that Nylas expects for a verifier.
 * Nylas S256 is NOT the RFC 7636 method: it is standard base64 of the lowercase hex SHA-256 digest,
 * with '=' padding removed (86 characters). The verifier `nylas` gives
 * `ZTk2YmY2Njg2YTNjMzUxMGU5ZTkyN2RiNzA2OWNiMWNiYTliOTliMDIyZjQ5NDgzYTZjZTMyNzA4MDllNjhhMg`.
 * The Nylas Node SDK computes it the same way in `hashPKCESecret`.
 */
export function computeCodeChallenge(verifier: string, method: CodeChallengeMethod): string {
  if (method === 'plain') {
    return verifier;
  }
  const hexDigest = createHash('sha256').update(verifier, 'utf8').digest('hex');
  return Buffer.from(hexDigest, 'utf8').toString('base64').replace(/=+$/, '');
}

/** Returns true when `verifier` matches the challenge stored with an authorization code. */
export function verifyCodeVerifier(verifier: string, challenge: string, method: CodeChallengeMethod): boolean {
  const expected = Buffer.from(challenge, 'utf8');
  const actual = Buffer.from(computeCodeChallenge(verifier, method), 'utf8');
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}
