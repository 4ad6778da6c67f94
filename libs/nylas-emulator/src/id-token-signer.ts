import { calculateJwkThumbprint, exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';

/** The identity claims that an ID token carries besides the standard time and audience claims. */
export interface IdTokenSubject {
  grantId: string;
  clientId: string;
  email: string;
  name?: string;
  provider: string;
}

/**
 * Signs ID tokens with an RS256 key pair made at start, and publishes its public half as a JWKS.
 * Nylas publishes neither a JWKS nor an OpenID discovery document, and does not document its
 * signing algorithm, so the emulator picks RS256, the default algorithm of OpenID Connect.
 */
export class IdTokenSigner {
  private constructor(
    private readonly privateKey: CryptoKey,
    private readonly publicJwk: JWK,
    readonly keyId: string,
  ) {}

  static async create(): Promise<IdTokenSigner> {
    const { privateKey, publicKey } = await generateKeyPair('RS256');
    const publicJwk = await exportJWK(publicKey);
    const keyId = await calculateJwkThumbprint(publicJwk);
    return new IdTokenSigner(privateKey, { ...publicJwk, kid: keyId, alg: 'RS256', use: 'sig' }, keyId);
  }

  /** Returns the JSON Web Key Set that verifies the emulator's ID tokens. */
  jwks(): { keys: JWK[] } {
    return { keys: [{ ...this.publicJwk }] };
  }

  /** Signs an ID token issued at `issuedAt` (Unix seconds) that expires at `expiresAt`. */
  sign(issuer: string, subject: IdTokenSubject, issuedAt: number, expiresAt: number): Promise<string> {
    return new SignJWT({
      email: subject.email,
      email_verified: true,
      ...nameClaims(subject.name),
      provider: subject.provider,
    })
      .setProtectedHeader({ alg: 'RS256', kid: this.keyId, typ: 'JWT' })
      .setIssuer(issuer)
      .setAudience(subject.clientId)
      .setSubject(subject.grantId)
      .setIssuedAt(issuedAt)
      .setExpirationTime(expiresAt)
      .sign(this.privateKey);
  }
}

/**
 * Splits a display name into OpenID Connect name claims: the first word is `given_name`
 * and the rest `family_name`. Returns no claims when no name was given.
 */
function nameClaims(name: string | undefined): Record<string, string> {
  const trimmed = name?.trim();
  if (!trimmed) {
    return {};
  }
  const [givenName, ...rest] = trimmed.split(/\s+/);
  const claims: Record<string, string> = { name: trimmed, given_name: givenName };
  if (rest.length > 0) {
    claims.family_name = rest.join(' ');
  }
  return claims;
}
