import { randomUUID } from 'node:crypto';
import { newOpaqueToken } from './ids.js';

export type TokenKind = 'access' | 'refresh' | 'id';

/**
 * An issued token. Tokens from one code exchange, and the access and ID tokens later refreshed
 * from its refresh token, form a family that is revoked as a whole.
 */
export interface TokenRecord {
  kind: TokenKind;
  value: string;
  clientId: string;
  grantId: string;
  familyId: string;
  scope: string[];
  /** Unix seconds. */
  issuedAt: number;
  /** Unix seconds; refresh tokens never expire on their own. */
  expiresAt?: number;
}

/** Access, refresh and ID tokens, with revocation by family and by grant. */
export class TokenStore {
  private readonly tokens = new Map<string, TokenRecord>();
  private readonly revokedFamilies = new Set<string>();

  newFamilyId(): string {
    return randomUUID();
  }

  /** Stores a new opaque access or refresh token and returns it. */
  issueOpaque(kind: 'access' | 'refresh', fields: Omit<TokenRecord, 'kind' | 'value'>): TokenRecord {
    return this.store({ ...fields, kind, value: newOpaqueToken() });
  }

  /** Stores an ID token that was signed elsewhere, so that token info and revocation know it. */
  storeIdToken(value: string, fields: Omit<TokenRecord, 'kind' | 'value'>): TokenRecord {
    return this.store({ ...fields, kind: 'id', value });
  }

  /** Returns the token of that kind when it exists, is not revoked and has not expired at `now` (Unix seconds). */
  findActive(value: string, kind: TokenKind, now: number): TokenRecord | undefined {
    const record = this.tokens.get(value);
    if (!record || record.kind !== kind || this.revokedFamilies.has(record.familyId)) {
      return undefined;
    }
    if (record.expiresAt !== undefined && now >= record.expiresAt) {
      return undefined;
    }
    return record;
  }

  /** Revokes the whole family of a token; returns false for an unknown token. */
  revoke(value: string): boolean {
    const record = this.tokens.get(value);
    if (!record) {
      return false;
    }
    this.revokedFamilies.add(record.familyId);
    return true;
  }

  revokeFamily(familyId: string): void {
    this.revokedFamilies.add(familyId);
  }

  revokeGrant(grantId: string): void {
    for (const record of this.tokens.values()) {
      if (record.grantId === grantId) {
        this.revokedFamilies.add(record.familyId);
      }
    }
  }

  clear(): void {
    this.tokens.clear();
    this.revokedFamilies.clear();
  }

  private store(record: TokenRecord): TokenRecord {
    this.tokens.set(record.value, record);
    return record;
  }
}
