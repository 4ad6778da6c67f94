import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, LessThan, Not, type EntityManager, type Repository } from 'typeorm';

import { TokenDecryptionError, type TokenCipher } from '../crypto/token-cipher.js';
import { NylasGrant, type NylasGrantStatus } from '../entities/nylas-grant.entity.js';
import { StoredTokenUnreadableError } from '../errors/grant.errors.js';
import { GrantLinkChangedError, GrantLinkedToOtherUserError } from '../errors/storage.errors.js';
import { NYLAS_CONNECT_OPTIONS } from '../nylas-connect.constants.js';
import type { GrantConflictPolicy } from '../nylas-connect.options.js';
import type { ResolvedNylasConnectOptions } from '../resolved-options.js';

/** Grant details from a finished flow, for the link. */
export interface GrantLinkInput {
  grantId: string;
  userId: string;
  email: string;
  provider: string;
  scope: string;
  accessToken: string;
  refreshToken?: string;
  accessTokenExpiresAt: number;
  now: number;
}

/** Decrypted tokens of a grant. */
export interface StoredGrantTokens {
  accessToken: string;
  refreshToken?: string;
  /** When the access token expires, in Unix milliseconds. */
  accessTokenExpiresAt: number | null;
}

/** Lower-cases and trims an email address for lookups; the address as given is stored beside it. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

const ACCESS_TOKEN_CONTEXT = 'access_token';
const REFRESH_TOKEN_CONTEXT = 'refresh_token';

/**
 * Reads and writes the links between Nylas grants and application users. Every read and delete
 * that takes a user id is restricted to that user's grants.
 */
@Injectable()
export class NylasGrantRepository {
  private readonly logger = new Logger('NylasConnect');
  private readonly cipher: TokenCipher | null;

  constructor(
    @InjectRepository(NylasGrant) private readonly grants: Repository<NylasGrant>,
    @Inject(NYLAS_CONNECT_OPTIONS) options: ResolvedNylasConnectOptions,
  ) {
    this.cipher = options.tokenCipher;
  }

  /** Lists a user's linked grants, oldest first. */
  findForUser(userId: string): Promise<NylasGrant[]> {
    return this.grants.find({ where: { userId }, order: { createdAt: 'ASC', grantId: 'ASC' } });
  }

  /** Returns the user's grant with this id, or null when there is none or it belongs to someone else. */
  findOneForUser(userId: string, grantId: string): Promise<NylasGrant | null> {
    return this.grants.findOneBy({ userId, grantId });
  }

  /** Returns the grant with this id, of any user, or null. */
  findByGrantId(grantId: string): Promise<NylasGrant | null> {
    return this.grants.findOneBy({ grantId });
  }

  /** Lists the grants whose email matches, compared in normalized form. */
  findByEmail(email: string): Promise<NylasGrant[]> {
    return this.grants.find({ where: { emailNormalized: normalizeEmail(email) }, order: { createdAt: 'ASC', grantId: 'ASC' } });
  }

  /** Removes the user's link to a grant, and returns whether there was one. Another user's link is never touched. */
  async unlinkForUser(userId: string, grantId: string): Promise<boolean> {
    const result = await this.grants.delete({ userId, grantId });
    return (result.affected ?? 0) > 0;
  }

  /**
   * Returns the decrypted tokens of a grant, or null when none are stored (no encryption key is
   * configured, or the grant is unknown). Throws `StoredTokenUnreadableError` when the key that
   * wrote them is no longer configured.
   */
  async readTokens(grantId: string): Promise<StoredGrantTokens | null> {
    if (!this.cipher) return null;
    const row = await this.grants.findOne({
      where: { grantId },
      select: { grantId: true, tokenKeyId: true, accessTokenCiphertext: true, refreshTokenCiphertext: true, accessTokenExpiresAt: true },
    });
    if (!row?.tokenKeyId || !row.accessTokenCiphertext) return null;

    try {
      return { ...this.decryptRow(row), accessTokenExpiresAt: row.accessTokenExpiresAt };
    } catch (error) {
      if (!(error instanceof TokenDecryptionError)) throw error;
      this.logger.error(`Stored tokens of grant ${grantId} cannot be decrypted with key ${row.tokenKeyId}`);
      throw new StoredTokenUnreadableError(grantId, { cause: error });
    }
  }

  /**
   * Takes the right to refresh the grant's token for `leaseMs`, and returns whether this caller
   * got it. One conditional UPDATE decides, so across instances only one refreshes at a time.
   */
  async acquireRefreshLease(grantId: string, now: number, leaseMs: number): Promise<boolean> {
    const result = await this.grants
      .createQueryBuilder()
      .update(NylasGrant)
      .set({ refreshLeaseUntil: now + leaseMs })
      .where('grant_id = :grantId', { grantId })
      .andWhere('(refresh_lease_until IS NULL OR refresh_lease_until < :now)', { now })
      .execute();
    return result.affected === 1;
  }

  /** Gives up a refresh lease without changing the tokens. */
  async releaseRefreshLease(grantId: string): Promise<void> {
    await this.grants.update({ grantId }, { refreshLeaseUntil: null });
  }

  /** Stores the tokens of a refresh and gives up the lease in the same statement. */
  async storeRefreshedTokens(
    grantId: string,
    tokens: { accessToken: string; refreshToken?: string; accessTokenExpiresAt: number },
    now: number,
  ): Promise<void> {
    await this.grants.update(
      { grantId },
      {
        ...this.encryptTokens(grantId, tokens.accessToken, tokens.refreshToken),
        accessTokenExpiresAt: tokens.accessTokenExpiresAt,
        refreshLeaseUntil: null,
        updatedAt: now,
      },
    );
  }

  /** Sets a grant's status, and returns the grant as it was before, or null when it is not linked. */
  async setStatus(grantId: string, status: NylasGrantStatus, now: number, manager?: EntityManager): Promise<NylasGrant | null> {
    const repository = manager ? manager.getRepository(NylasGrant) : this.grants;
    const existing = await repository.findOneBy({ grantId });
    if (!existing) return null;
    await repository.update({ grantId }, { status, updatedAt: now, refreshLeaseUntil: null });
    return existing;
  }

  /** Copies status, email and scope from Nylas's copy of the grant; returns the row before, or null. */
  async updateFromNylas(grantId: string, details: { status: NylasGrantStatus; email?: string; scope?: string }, now: number): Promise<NylasGrant | null> {
    const existing = await this.grants.findOneBy({ grantId });
    if (!existing) return null;
    const email = details.email ?? existing.email;
    await this.grants.update(
      { grantId },
      { status: details.status, email, emailNormalized: normalizeEmail(email), scope: details.scope ?? existing.scope, updatedAt: now },
    );
    return existing;
  }

  /** Removes a grant's link, of any user, and returns the removed row, or null. */
  async removeByGrantId(grantId: string, manager?: EntityManager): Promise<NylasGrant | null> {
    const repository = manager ? manager.getRepository(NylasGrant) : this.grants;
    const existing = await repository.findOneBy({ grantId });
    if (!existing) return null;
    await repository.delete({ grantId });
    return existing;
  }

  /**
   * Re-encrypts every stored token that is not under the current key, and returns how many grants
   * were rewritten. Each row is updated only if its key id is still the one read, so a concurrent
   * callback that wrote new tokens is not overwritten. Run it after a key rotation, then retire
   * the old key.
   */
  async reencryptTokens(batchSize = 100): Promise<number> {
    const cipher = this.cipher;
    if (!cipher) return 0;
    let rewritten = 0;

    for (;;) {
      const rows = await this.grants.find({
        where: { tokenKeyId: Not(cipher.currentKeyId) },
        select: { grantId: true, tokenKeyId: true, accessTokenCiphertext: true, refreshTokenCiphertext: true },
        order: { grantId: 'ASC' },
        take: batchSize,
      });
      if (rows.length === 0) return rewritten;

      for (const row of rows) {
        const tokens = this.decryptRow(row);
        const encrypted = this.encryptTokens(row.grantId, tokens.accessToken, tokens.refreshToken);
        const result = await this.grants.update({ grantId: row.grantId, tokenKeyId: row.tokenKeyId! }, encrypted);
        rewritten += result.affected ?? 0;
      }
      this.logger.log(`Re-encrypted tokens of ${rows.length} grants under key ${cipher.currentKeyId}`);
    }
  }

  /**
   * Links a grant to a user through the caller's entity manager, with one read and one write.
   * The same user connecting the same mailbox again updates the row in place, since Nylas
   * returns the same grant id. A grant linked to another user follows `policy`: `reject` throws
   * and writes nothing.
   */
  async link(manager: EntityManager, input: GrantLinkInput, policy: GrantConflictPolicy): Promise<NylasGrant> {
    const repository = manager.getRepository(NylasGrant);
    const existing = await repository.findOneBy({ grantId: input.grantId });

    if (existing && existing.userId !== input.userId && policy === 'reject') {
      throw new GrantLinkedToOtherUserError(input.grantId);
    }
    if (existing && existing.userId !== input.userId) {
      this.logger.warn(`Grant ${input.grantId} moved from user ${existing.userId} to user ${input.userId} by the transfer policy`);
    }

    const grant: NylasGrant = {
      grantId: input.grantId,
      userId: input.userId,
      email: input.email,
      emailNormalized: normalizeEmail(input.email),
      provider: input.provider,
      scope: input.scope,
      status: 'valid',
      accessTokenExpiresAt: input.accessTokenExpiresAt,
      createdAt: existing?.createdAt ?? input.now,
      updatedAt: input.now,
      ...this.encryptTokens(input.grantId, input.accessToken, input.refreshToken),
    };

    if (!existing) {
      // Two first links of one mailbox at once: the loser's insert hits the primary key, and the
      // caller retries, which then finds the row and applies the policy.
      await repository.insert(grant);
      return withoutCiphertexts(grant);
    }

    // The update names the owner that was read, so a link that changed hands since is not overwritten.
    const result = await repository.update({ grantId: input.grantId, userId: existing.userId }, grant);
    if (result.affected === 0) throw new GrantLinkChangedError(input.grantId);
    return withoutCiphertexts(grant);
  }

  private encryptTokens(grantId: string, accessToken: string, refreshToken?: string) {
    if (!this.cipher) return { tokenKeyId: null, accessTokenCiphertext: null, refreshTokenCiphertext: null };
    const access = this.cipher.encrypt(accessToken, tokenContext(grantId, ACCESS_TOKEN_CONTEXT));
    const refresh = refreshToken === undefined ? null : this.cipher.encrypt(refreshToken, tokenContext(grantId, REFRESH_TOKEN_CONTEXT));
    return { tokenKeyId: access.keyId, accessTokenCiphertext: access.ciphertext, refreshTokenCiphertext: refresh?.ciphertext ?? null };
  }

  private decryptRow(row: NylasGrant): { accessToken: string; refreshToken?: string } {
    const cipher = this.cipher!;
    const keyId = row.tokenKeyId!;
    return {
      accessToken: cipher.decrypt({ keyId, ciphertext: row.accessTokenCiphertext! }, tokenContext(row.grantId, ACCESS_TOKEN_CONTEXT)),
      refreshToken: row.refreshTokenCiphertext
        ? cipher.decrypt({ keyId, ciphertext: row.refreshTokenCiphertext }, tokenContext(row.grantId, REFRESH_TOKEN_CONTEXT))
        : undefined,
    };
  }
}

/** Binds a ciphertext to its grant and column, so it cannot be moved to another row. */
function tokenContext(grantId: string, column: string): string {
  return `${grantId}\u0000${column}`;
}

function withoutCiphertexts(grant: NylasGrant): NylasGrant {
  const { accessTokenCiphertext: _access, refreshTokenCiphertext: _refresh, ...rest } = grant;
  return rest;
}
