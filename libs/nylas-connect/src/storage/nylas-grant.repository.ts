import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { EntityManager, Repository } from 'typeorm';

import { NylasGrant } from '../entities/nylas-grant.entity.js';
import { GrantLinkedToOtherUserError } from '../errors/storage.errors.js';
import type { GrantConflictPolicy } from '../nylas-connect.options.js';

/** Grant details from a finished flow, for the link. */
export interface GrantLinkInput {
  grantId: string;
  userId: string;
  email: string;
  provider: string;
  scope: string;
  accessTokenExpiresAt: number;
  now: number;
}

/** Lower-cases and trims an email address for lookups; the address as given is stored beside it. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/**
 * Reads and writes the links between Nylas grants and application users. Every read and delete
 * that takes a user id is restricted to that user's grants.
 */
@Injectable()
export class NylasGrantRepository {
  constructor(@InjectRepository(NylasGrant) private readonly grants: Repository<NylasGrant>) {}

  /** Lists a user's linked grants, oldest first. */
  findForUser(userId: string): Promise<NylasGrant[]> {
    return this.grants.find({ where: { userId }, order: { createdAt: 'ASC', grantId: 'ASC' } });
  }

  /** Returns the user's grant with this id, or null when there is none or it belongs to someone else. */
  findOneForUser(userId: string, grantId: string): Promise<NylasGrant | null> {
    return this.grants.findOneBy({ userId, grantId });
  }

  /** Removes the user's link to a grant, and returns whether there was one. Another user's link is never touched. */
  async unlinkForUser(userId: string, grantId: string): Promise<boolean> {
    const result = await this.grants.delete({ userId, grantId });
    return (result.affected ?? 0) > 0;
  }

  /**
   * Links a grant to a user inside the caller's transaction. The same user connecting the same
   * mailbox again updates the row in place, since Nylas returns the same grant id. A grant
   * linked to another user follows `policy`: `reject` throws and writes nothing.
   */
  async link(manager: EntityManager, input: GrantLinkInput, policy: GrantConflictPolicy): Promise<NylasGrant> {
    const repository = manager.getRepository(NylasGrant);
    const existing = await repository.findOneBy({ grantId: input.grantId });

    if (existing && existing.userId !== input.userId && policy === 'reject') {
      throw new GrantLinkedToOtherUserError(input.grantId);
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
    };

    if (existing) {
      await repository.update({ grantId: input.grantId }, grant);
    } else {
      await repository.insert(grant);
    }
    return grant;
  }
}
