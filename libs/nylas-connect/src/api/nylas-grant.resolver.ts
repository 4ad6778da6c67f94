import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';

import { NylasGrant, type NylasGrantStatus } from '../entities/nylas-grant.entity.js';
import { StorageUnavailableError, GrantNotFoundError } from '../errors/storage.errors.js';
import { NYLAS_CONNECT_OPTIONS } from '../nylas-connect.constants.js';
import type { ResolvedNylasConnectOptions } from '../resolved-options.js';
import { InjectNylasClient } from './inject-nylas-client.decorator.js';
import { GrantExpiredError } from './nylas-api-call.errors.js';
import type { NylasClient } from './nylas-client.provider.js';
import { isNylasApiStatus, toNylasApiCallError } from './nylas-sdk-errors.js';

/** Options of `NylasGrantResolver.forUser()`. */
export interface ResolveGrantOptions {
  /**
   * Also read the grant from Nylas (`GET /v3/grants/{id}`) and store the status Nylas reports.
   * This costs one request; without it only the stored link and its stored status are checked.
   * Default: false.
   */
  checkWithNylas?: boolean;
}

/**
 * Finds the grant an API call should use, for a host that calls Nylas on behalf of a user.
 * It never returns another user's grant, and turns a missing or expired grant into a typed error,
 * so that a handler can call `forUser()` first and then the SDK with `grant.grantId`.
 */
@Injectable()
export class NylasGrantResolver {
  private readonly logger = new Logger('NylasConnect');

  constructor(
    @InjectRepository(NylasGrant) private readonly grants: Repository<NylasGrant>,
    @InjectNylasClient() private readonly nylas: NylasClient,
    @Inject(NYLAS_CONNECT_OPTIONS) private readonly options: ResolvedNylasConnectOptions,
  ) {}

  /**
   * Returns the user's linked grant with this id. Throws `GrantNotFoundError` (404) when the user
   * has no such link, or when Nylas no longer has the grant; `GrantExpiredError` (409) when the
   * grant's status is `invalid`; the module's Nylas and storage errors when a request fails.
   */
  async forUser(userId: string, grantId: string, options: ResolveGrantOptions = {}): Promise<NylasGrant> {
    const grant = await this.readLink(userId, grantId);
    if (options.checkWithNylas) {
      const status = await this.readStatusAtNylas(grant);
      if (status !== grant.status) {
        await this.storeStatus(grant, status);
        grant.status = status;
      }
    }

    if (grant.status === 'invalid') throw new GrantExpiredError(grant.grantId);
    return grant;
  }

  private async readLink(userId: string, grantId: string): Promise<NylasGrant> {
    let grant: NylasGrant | null;
    try {
      grant = await this.grants.findOneBy({ userId, grantId });
    } catch (error) {
      throw new StorageUnavailableError('reading the grant', { cause: error });
    }
    if (!grant) throw new GrantNotFoundError(grantId);
    return grant;
  }

  private async readStatusAtNylas(grant: NylasGrant): Promise<NylasGrantStatus> {
    try {
      const response = await this.nylas.grants.find({ grantId: grant.grantId });
      // Nylas documents `valid` and `invalid`; any other value is not treated as expired.
      return response.data.grantStatus === 'invalid' ? 'invalid' : 'valid';
    } catch (error) {
      if (isNylasApiStatus(error, 404)) {
        this.logger.warn(`Grant ${grant.grantId} is linked to user ${grant.userId} but Nylas no longer has it`);
        throw new GrantNotFoundError(grant.grantId);
      }
      throw toNylasApiCallError(error, 'the Nylas grants API', this.options.requestTimeoutMs);
    }
  }

  /** Stores the status Nylas reported. A failed write is logged and does not fail the call, since Nylas's answer stands. */
  private async storeStatus(grant: NylasGrant, status: NylasGrantStatus): Promise<void> {
    this.logger.log(`Grant ${grant.grantId} of user ${grant.userId} is ${status} at Nylas`);
    try {
      await this.grants.update({ grantId: grant.grantId, userId: grant.userId }, { status, updatedAt: Date.now() });
    } catch (error) {
      this.logger.warn(`Storing status ${status} of grant ${grant.grantId} failed: ${error instanceof Error ? error.name : typeof error}`);
    }
  }
}
