import { Injectable } from '@nestjs/common';

import type { NylasGrant } from '../entities/nylas-grant.entity.js';
import { GrantInvalidError } from '../errors/grant.errors.js';
import { GrantNotFoundError, StorageUnavailableError } from '../errors/storage.errors.js';
import { GrantLifecycleService } from '../lifecycle/grant-lifecycle.service.js';
import { NylasGrantRepository } from '../storage/nylas-grant.repository.js';

/** Options of `NylasGrantResolver.forUser()`. */
export interface ResolveGrantOptions {
  /**
   * Also read the grant from Nylas (`GET /v3/grants/{id}`) and store its status, email and scope,
   * as `syncGrant()` does. This costs one request to Nylas; without it only the stored link and its
   * stored status are checked. Default: false.
   */
  checkWithNylas?: boolean;
}

/**
 * Finds the grant an API call should use, for a host that calls Nylas on behalf of a user. It
 * never returns another user's grant, and turns a missing or invalid grant into a typed error, so
 * that a handler can call `forUser()` first and then the Nylas SDK with `grant.grantId`.
 */
@Injectable()
export class NylasGrantResolver {
  constructor(
    private readonly grants: NylasGrantRepository,
    private readonly lifecycle: GrantLifecycleService,
  ) {}

  /**
   * Returns the user's linked grant with this id. Throws `GrantNotFoundError` (404) when the user
   * has no such link, and `GrantInvalidError` (409) when the grant's status is `invalid`: stored so,
   * or, with `checkWithNylas`, reported so by Nylas or unknown to it. A failed request to Nylas
   * throws the module's Nylas errors, and a database failure `StorageUnavailableError`.
   */
  async forUser(userId: string, grantId: string, options: ResolveGrantOptions = {}): Promise<NylasGrant> {
    let grant = await this.readLink(userId, grantId);
    if (options.checkWithNylas) {
      grant = await this.lifecycle.syncGrant(grant.grantId);
      // With grantConflictPolicy 'transfer' the link can move to another user in the meantime.
      if (grant.userId !== userId) throw new GrantNotFoundError(grantId);
    }

    if (grant.status === 'invalid') throw new GrantInvalidError(grant.grantId);
    return grant;
  }

  private async readLink(userId: string, grantId: string): Promise<NylasGrant> {
    let grant: NylasGrant | null;
    try {
      grant = await this.grants.findOneForUser(userId, grantId);
    } catch (error) {
      throw new StorageUnavailableError('reading the grant', { cause: error });
    }
    if (!grant) throw new GrantNotFoundError(grantId);
    return grant;
  }
}
