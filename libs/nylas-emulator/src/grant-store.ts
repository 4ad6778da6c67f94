import { newGrantId, newProviderUserId } from './ids.js';

/** A grant as the emulator stores it; times are Unix seconds, as Nylas returns them. */
export interface GrantRecord {
  id: string;
  clientId: string;
  provider: string;
  /** `invalid` means the grant expired and the user must authenticate again. */
  status: 'valid' | 'invalid';
  email: string;
  name?: string;
  scope: string[];
  createdAt: number;
  updatedAt: number;
  state?: string;
  providerUserId: string;
  credentialId?: string;
}

/** Details that a successful consent step records on the grant. */
export interface GrantAuthentication {
  clientId: string;
  email: string;
  name?: string;
  provider: string;
  scope: string[];
  state?: string;
  credentialId?: string;
}

/** The grant after a consent step, and whether the step created it or re-authenticated an existing one. */
export interface GrantAuthenticationResult {
  grant: GrantRecord;
  created: boolean;
}

/**
 * Grants, one per email address per client id, because Nylas re-authenticates the existing grant
 * when a mailbox that already has one connects again, and returns the same grant id.
 * Emails compare case-insensitively, as mailbox providers treat them.
 */
export class GrantStore {
  private readonly grantsById = new Map<string, GrantRecord>();
  private readonly grantIdsByMailbox = new Map<string, string>();

  /** Creates the grant for a mailbox or re-authenticates the existing one, and returns it. */
  authenticate(authentication: GrantAuthentication, now: number): GrantAuthenticationResult {
    const mailboxKey = toMailboxKey(authentication.clientId, authentication.email);
    const existingId = this.grantIdsByMailbox.get(mailboxKey);
    const existing = existingId === undefined ? undefined : this.grantsById.get(existingId);
    if (existing) {
      return { grant: reauthenticate(existing, authentication, now), created: false };
    }

    const grant: GrantRecord = {
      id: newGrantId(),
      clientId: authentication.clientId,
      provider: authentication.provider,
      status: 'valid',
      email: authentication.email,
      name: authentication.name,
      scope: [...authentication.scope],
      createdAt: now,
      updatedAt: now,
      state: authentication.state,
      providerUserId: newProviderUserId(),
      credentialId: authentication.credentialId,
    };
    this.grantsById.set(grant.id, grant);
    this.grantIdsByMailbox.set(mailboxKey, grant.id);
    return { grant, created: true };
  }

  get(grantId: string): GrantRecord | undefined {
    return this.grantsById.get(grantId);
  }

  /** Marks a grant as expired, as Nylas does when the provider stops accepting its credentials. */
  invalidate(grantId: string, now: number): boolean {
    const grant = this.grantsById.get(grantId);
    if (!grant) {
      return false;
    }
    grant.status = 'invalid';
    grant.updatedAt = now;
    return true;
  }

  delete(grantId: string): boolean {
    const grant = this.grantsById.get(grantId);
    if (!grant) {
      return false;
    }
    this.grantsById.delete(grantId);
    this.grantIdsByMailbox.delete(toMailboxKey(grant.clientId, grant.email));
    return true;
  }

  count(): number {
    return this.grantsById.size;
  }

  clear(): void {
    this.grantsById.clear();
    this.grantIdsByMailbox.clear();
  }
}

/** Updates a grant for a new authentication; the state always becomes the latest request's state. */
function reauthenticate(grant: GrantRecord, authentication: GrantAuthentication, now: number): GrantRecord {
  grant.status = 'valid';
  grant.provider = authentication.provider;
  grant.scope = [...authentication.scope];
  grant.state = authentication.state;
  grant.updatedAt = now;
  if (authentication.name) {
    grant.name = authentication.name;
  }
  if (authentication.credentialId !== undefined) {
    grant.credentialId = authentication.credentialId;
  }
  return grant;
}

function toMailboxKey(clientId: string, email: string): string {
  return `${clientId}\n${email.toLowerCase()}`;
}
