import { Injectable, Logger } from '@nestjs/common';

import { DisconnectIncompleteError, StoredTokenUnreadableError } from '../errors/grant.errors.js';
import { NylasConnectError } from '../errors/nylas-connect.error.js';
import { GrantNotFoundError } from '../errors/storage.errors.js';
import { NylasGrantsClient } from '../http/nylas-grants.client.js';
import type { NylasGrant } from '../entities/nylas-grant.entity.js';
import { NylasTokenClient } from '../oauth/nylas-token.client.js';
import { NylasGrantRepository } from '../storage/nylas-grant.repository.js';
import { withStorageErrors } from '../storage/storage-call.js';
import { NylasGrantEvents } from './nylas-grant-events.js';

/** Options of `disconnect()`. */
export interface DisconnectOptions {
  /** Also delete the grant at Nylas, which ends access for every app of the Nylas application. Default: false. */
  deleteGrant?: boolean;
}

/** Outcome of `disconnect()`. */
export interface DisconnectResult {
  /** False when the user had no such link, which makes a repeated disconnect harmless. */
  unlinked: boolean;
  tokensRevoked: boolean;
  grantDeleted: boolean;
}

/** Disconnects grants and keeps their status in step with Nylas. */
@Injectable()
export class GrantLifecycleService {
  private readonly logger = new Logger('NylasConnect');

  constructor(
    private readonly grants: NylasGrantRepository,
    private readonly tokenClient: NylasTokenClient,
    private readonly grantsClient: NylasGrantsClient,
    private readonly events: NylasGrantEvents,
  ) {}

  /**
   * Revokes the grant's stored token at Nylas, deletes the grant at Nylas when asked, and then
   * removes the link. The link goes last. If a Nylas call fails, the link is still there and the
   * error message says to retry the whole disconnect, which is safe because each step can be repeated.
   */
  disconnect(userId: string, grantId: string, options: DisconnectOptions = {}): Promise<DisconnectResult> {
    return withStorageErrors('disconnecting the grant', this.logger, () => this.disconnectLinked(userId, grantId, options));
  }

  private async disconnectLinked(userId: string, grantId: string, options: DisconnectOptions): Promise<DisconnectResult> {
    const grant = await this.grants.findOneForUser(userId, grantId);
    if (!grant) return { unlinked: false, tokensRevoked: false, grantDeleted: false };

    const tokensRevoked = await this.revokeStoredToken(grant);
    if (options.deleteGrant) await this.deleteAtNylas(grant);

    const unlinked = await this.grants.unlinkForUser(userId, grantId);
    this.logger.log(`Disconnected grant ${grantId} from user ${userId}${options.deleteGrant ? ' and deleted it at Nylas' : ''}`);
    return { unlinked, tokensRevoked, grantDeleted: options.deleteGrant === true };
  }

  /**
   * Reads the grant from Nylas and copies its status, email and scope. A grant that Nylas reports
   * invalid, or no longer has, is marked invalid and reported through `NylasGrantEvents`.
   */
  syncGrant(grantId: string): Promise<NylasGrant> {
    return withStorageErrors('syncing the grant', this.logger, () => this.syncLinked(grantId));
  }

  private async syncLinked(grantId: string): Promise<NylasGrant> {
    const linked = await this.grants.findByGrantId(grantId);
    if (!linked) throw new GrantNotFoundError(grantId);

    const details = await this.grantsClient.find(grantId);
    const status = details?.status ?? 'invalid';
    await this.grants.updateFromNylas(grantId, { status, email: details?.email, scope: details?.scope }, Date.now());

    if (status === 'invalid' && linked.status !== 'invalid') {
      this.logger.warn(`Grant ${grantId} of user ${linked.userId} is ${details ? 'invalid' : 'unknown'} at Nylas`);
      await this.events.emit({ type: 'grant.invalid', grantId, userId: linked.userId, source: 'sync' });
    }
    return (await this.grants.findByGrantId(grantId))!;
  }

  private async revokeStoredToken(grant: NylasGrant): Promise<boolean> {
    const tokens = await this.grants.readTokens(grant.grantId).catch((error: unknown) => {
      // A token that cannot be decrypted cannot be revoked either; the link is still removed, as requested.
      if (error instanceof StoredTokenUnreadableError) return null;
      throw error;
    });
    if (!tokens) return false;
    try {
      // Nylas revokes an access token's parent refresh token with it, so one call ends both.
      await this.tokenClient.revoke(tokens.accessToken);
      return true;
    } catch (error) {
      this.logFailure(grant, 'revoke', error);
      throw new DisconnectIncompleteError(grant.grantId, 'revoke', { cause: error });
    }
  }

  private async deleteAtNylas(grant: NylasGrant): Promise<void> {
    try {
      await this.grantsClient.delete(grant.grantId);
    } catch (error) {
      this.logFailure(grant, 'delete_grant', error);
      throw new DisconnectIncompleteError(grant.grantId, 'delete_grant', { cause: error });
    }
  }

  private logFailure(grant: NylasGrant, step: string, error: unknown): void {
    const code = error instanceof NylasConnectError ? error.code : 'unexpected_error';
    this.logger.warn(`Disconnecting grant ${grant.grantId} of user ${grant.userId} stopped at ${step}: ${code}`);
  }
}
