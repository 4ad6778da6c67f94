import { Inject, Injectable } from '@nestjs/common';
import { createRemoteJWKSet, decodeJwt, decodeProtectedHeader, errors, jwtVerify, type JWTPayload } from 'jose';

import type { GrantInfo } from '../connect-result.js';
import { InvalidIdTokenError, NylasTimeoutError, NylasUnavailableError } from '../errors/nylas-api.errors.js';
import { NYLAS_CONNECT_OPTIONS } from '../nylas-connect.constants.js';
import type { ResolvedNylasConnectOptions } from '../resolved-options.js';

/** Asymmetric algorithms accepted when a JWKS is configured; `none` and HMAC are never accepted. */
const ALLOWED_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];

/**
 * Checks the ID token of a code exchange and reads the connected account from it. Issuer,
 * audience (the client id), `exp`, `nbf` and `iat` are always checked, with `clockToleranceSeconds`
 * of skew allowed. The signature is checked when `jwksUri` is set. Without it, the token is trusted
 * because it came straight from the Nylas token endpoint over TLS. OpenID Connect Core 1.0
 * (section 3.1.3.7) allows that in place of a signature check.
 */
@Injectable()
export class IdTokenVerifier {
  /** Created once: jose caches the keys and rate-limits refetches per set. */
  private readonly jwks?: ReturnType<typeof createRemoteJWKSet>;

  constructor(@Inject(NYLAS_CONNECT_OPTIONS) private readonly options: ResolvedNylasConnectOptions) {
    if (options.jwksUri) {
      this.jwks = createRemoteJWKSet(new URL(options.jwksUri), { timeoutDuration: options.requestTimeoutMs });
    }
  }

  /** Verifies the token and returns its claims as `GrantInfo`. `expectedGrantId` must equal `sub`. */
  async verify(idToken: string, expectedGrantId: string, fallback: { email?: string; provider?: string }): Promise<GrantInfo> {
    const claims = this.jwks ? await this.verifySigned(idToken) : this.verifyClaimsOnly(idToken);

    if (claims.sub !== expectedGrantId) {
      throw new InvalidIdTokenError('its subject is not the grant id of the token response');
    }
    return toGrantInfo(claims, fallback);
  }

  private async verifySigned(idToken: string): Promise<JWTPayload> {
    try {
      const { payload } = await jwtVerify(idToken, this.jwks!, {
        issuer: this.options.idTokenIssuer,
        audience: this.options.clientId,
        clockTolerance: this.options.clockToleranceSeconds,
        algorithms: ALLOWED_ALGORITHMS,
        requiredClaims: ['sub', 'exp'],
      });
      return payload;
    } catch (error) {
      throw toVerificationError(error, this.options.requestTimeoutMs);
    }
  }

  private verifyClaimsOnly(idToken: string): JWTPayload {
    let payload: JWTPayload;
    try {
      const header = decodeProtectedHeader(idToken);
      if (typeof header.alg !== 'string' || header.alg.toLowerCase() === 'none') {
        throw new InvalidIdTokenError('it is unsigned');
      }
      payload = decodeJwt(idToken);
    } catch (error) {
      if (error instanceof InvalidIdTokenError) throw error;
      throw new InvalidIdTokenError('it is not a well-formed JWT', { cause: error });
    }
    checkClaims(payload, this.options);
    return payload;
  }
}

function checkClaims(payload: JWTPayload, options: ResolvedNylasConnectOptions): void {
  const now = Math.floor(Date.now() / 1000);
  const tolerance = options.clockToleranceSeconds;

  if (payload.iss !== options.idTokenIssuer) throw new InvalidIdTokenError('unexpected issuer');
  const audiences = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
  if (!audiences.includes(options.clientId)) throw new InvalidIdTokenError('unexpected audience');
  if (typeof payload.sub !== 'string' || payload.sub === '') throw new InvalidIdTokenError('missing subject');
  if (typeof payload.exp !== 'number') throw new InvalidIdTokenError('missing expiry');
  if (payload.exp <= now - tolerance) throw new InvalidIdTokenError('expired');
  if (typeof payload.nbf === 'number' && payload.nbf > now + tolerance) throw new InvalidIdTokenError('not yet valid');
  // An `iat` slightly in the future is clock skew, not an error; only one beyond the tolerance is.
  if (typeof payload.iat === 'number' && payload.iat > now + tolerance) throw new InvalidIdTokenError('issued in the future');
}

/**
 * Maps a verification failure to the module's error. A JWKS that could not be fetched is an
 * outage on Nylas's side, so it gets a 502 or 504. Only a token that failed a check is reported
 * as `invalid_id_token`.
 */
function toVerificationError(error: unknown, timeoutMs: number): Error {
  if (error instanceof errors.JWKSTimeout) return new NylasTimeoutError(timeoutMs, { cause: error });
  const fetchFailed = !(error instanceof errors.JOSEError) || (error.code === 'ERR_JOSE_GENERIC' && /JSON Web Key Set/i.test(error.message));
  if (fetchFailed) return new NylasUnavailableError('the JWKS could not be fetched', undefined, { cause: error });
  return new InvalidIdTokenError(describeJoseError(error), { cause: error });
}

function describeJoseError(error: unknown): string {
  if (error instanceof errors.JWTExpired) return 'expired';
  if (error instanceof errors.JWTClaimValidationFailed) return `claim "${error.claim}" failed: ${error.reason}`;
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'bad signature';
  if (error instanceof errors.JWKSNoMatchingKey) return 'no matching key in the JWKS';
  if (error instanceof errors.JOSEError) return error.code;
  return 'verification failed';
}

function stringClaim(payload: JWTPayload, name: string): string | undefined {
  const value = payload[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/**
 * Maps the claims to `GrantInfo` with the fallbacks of the official browser library: `name`
 * falls back to `given_name`, then the email, and `provider` to `unknown`. Unlike that library,
 * jose decodes the claims as UTF-8, so non-ASCII names are not garbled.
 */
function toGrantInfo(payload: JWTPayload, fallback: { email?: string; provider?: string }): GrantInfo {
  const email = stringClaim(payload, 'email') ?? fallback.email ?? '';
  const provider = stringClaim(payload, 'provider') ?? fallback.provider ?? 'unknown';
  // The email and the provider are stored; values longer than their columns are faults.
  if (email.length > 320) throw new InvalidIdTokenError('its email is longer than 320 characters');
  if (provider.length > 32) throw new InvalidIdTokenError('its provider is longer than 32 characters');
  const givenName = stringClaim(payload, 'given_name');
  const emailVerified = payload.email_verified;
  return {
    id: payload.sub as string,
    email,
    emailVerified: typeof emailVerified === 'boolean' ? emailVerified : undefined,
    name: stringClaim(payload, 'name') ?? givenName ?? (email || undefined),
    givenName,
    familyName: stringClaim(payload, 'family_name'),
    picture: stringClaim(payload, 'picture'),
    provider,
  };
}
