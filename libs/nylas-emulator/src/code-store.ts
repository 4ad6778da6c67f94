import { newOpaqueToken } from './ids.js';
import type { CodeChallengeMethod } from './pkce.js';

/** Request details that the consent step binds to an authorization code. */
export interface CodeBinding {
  clientId: string;
  redirectUri: string;
  grantId: string;
  scope: string[];
  accessType: 'online' | 'offline';
  codeChallenge?: string;
  codeChallengeMethod?: CodeChallengeMethod;
}

export interface AuthorizationCodeRecord extends CodeBinding {
  code: string;
  /** Unix time in milliseconds after which the code is rejected. */
  expiresAt: number;
  /** True once a token request from the code's own client presented it, whether or not the exchange succeeded. */
  consumed: boolean;
  /** The token family issued for this code, so that a replay can revoke it (RFC 6749 section 4.1.2). */
  familyId?: string;
}

/** Single-use authorization codes. */
export class CodeStore {
  private readonly codes = new Map<string, AuthorizationCodeRecord>();

  issue(binding: CodeBinding, expiresAt: number): AuthorizationCodeRecord {
    const record: AuthorizationCodeRecord = { ...binding, code: newOpaqueToken(), expiresAt, consumed: false };
    this.codes.set(record.code, record);
    return record;
  }

  find(code: string): AuthorizationCodeRecord | undefined {
    return this.codes.get(code);
  }

  clear(): void {
    this.codes.clear();
  }
}
