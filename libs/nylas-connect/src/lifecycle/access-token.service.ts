import { Inject, Injectable, Logger } from '@nestjs/common';

import { AccessTokenExpiredError, GrantInvalidError, TokensNotStoredError } from '../errors/grant.errors.js';
import { NylasTimeoutError } from '../errors/nylas-api.errors.js';
import { NylasOAuthError } from '../errors/oauth.errors.js';
import { GrantNotFoundError } from '../errors/storage.errors.js';
import { NYLAS_CONNECT_OPTIONS } from '../nylas-connect.constants.js';
import { NylasTokenClient } from '../oauth/nylas-token.client.js';
import type { ResolvedNylasConnectOptions } from '../resolved-options.js';
import { NylasGrantRepository, type StoredGrantTokens } from '../storage/nylas-grant.repository.js';
import { withStorageErrors } from '../storage/storage-call.js';
import { NylasGrantEvents } from './nylas-grant-events.js';

/** How often an instance that waits for another one's refresh looks at the row again. */
const POLL_INTERVAL_MS = 100;

/**
 * Returns valid access tokens for stored grants, refreshing them `refreshMarginSeconds` before
 * they expire. Callers in one process share one refresh per grant. Across
 * instances, a lease on
 * the grant's row lets one refresh while the others wait for its result.
 */
@Injectable()
export class AccessTokenService {
  private readonly logger = new Logger('NylasConnect');
  private readonly refreshing = new Map<string, Promise<string>>();

  constructor(
    @Inject(NYLAS_CONNECT_OPTIONS) private readonly options: ResolvedNylasConnectOptions,
    private readonly grants: NylasGrantRepository,
    private readonly tokenClient: NylasTokenClient,
    private readonly events: NylasGrantEvents,
  ) {}

  /** Returns a valid access token for the grant, refreshing it first when it is about to expire. */
  getAccessToken(grantId: string): Promise<string> {
    return withStorageErrors('reading the access token', this.logger, () => this.getOrRefresh(grantId));
  }

  private async getOrRefresh(grantId: string): Promise<string> {
    const tokens = await this.readUsableTokens(grantId);
    if (this.isFresh(tokens)) return tokens.accessToken;

    const running = this.refreshing.get(grantId);
    if (running) return running;
    const refresh = this.refreshOnce(grantId).finally(() => this.refreshing.delete(grantId));
    this.refreshing.set(grantId, refresh);
    return refresh;
  }

  private async readUsableTokens(grantId: string): Promise<StoredGrantTokens> {
    const grant = await this.grants.findByGrantId(grantId);
    if (!grant) throw new GrantNotFoundError(grantId);
    if (grant.status === 'invalid') throw new GrantInvalidError(grantId);

    const tokens = await this.grants.readTokens(grantId);
    if (!tokens) throw new TokensNotStoredError(grantId);
    return tokens;
  }

  private isFresh(tokens: StoredGrantTokens): boolean {
    const expiresAt = tokens.accessTokenExpiresAt ?? 0;
    return expiresAt - Date.now() > this.options.refreshMarginSeconds * 1000;
  }

  /** Refreshes under the lease, or waits for the instance that holds it. */
  private async refreshOnce(grantId: string): Promise<string> {
    const leaseMs = this.options.requestTimeoutMs + 5_000;
    const deadline = Date.now() + 2 * leaseMs;

    while (Date.now() < deadline) {
      const tokens = await this.readUsableTokens(grantId);
      if (this.isFresh(tokens)) return tokens.accessToken;

      if (await this.grants.acquireRefreshLease(grantId, Date.now(), leaseMs)) {
        return this.refreshHoldingLease(grantId, tokens);
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
    }
    // The instance holding the lease neither finished nor gave it up in time.
    throw new NylasTimeoutError(2 * leaseMs);
  }

  private async refreshHoldingLease(grantId: string, tokens: StoredGrantTokens): Promise<string> {
    if (!tokens.refreshToken) {
      await this.grants.releaseRefreshLease(grantId);
      if ((tokens.accessTokenExpiresAt ?? 0) > Date.now()) return tokens.accessToken;
      throw new AccessTokenExpiredError(grantId);
    }

    try {
      const refreshed = await this.tokenClient.refresh(tokens.refreshToken);
      const now = Date.now();
      await this.grants.storeRefreshedTokens(
        grantId,
        {
          accessToken: refreshed.accessToken,
          refreshToken: refreshed.refreshToken ?? tokens.refreshToken,
          accessTokenExpiresAt: now + refreshed.expiresIn * 1000,
        },
        now,
      );
      this.logger.log(`Refreshed the access token of grant ${grantId}`);
      return refreshed.accessToken;
    } catch (error) {
      return this.handleRefreshFailure(grantId, error);
    }
  }

  /**
   * `invalid_grant` means Nylas rejected the refresh token (RFC 6749, section 5.2), so the grant
   * is marked invalid and a `grant.invalid` event is emitted. Any other failure, an outage, a
   * timeout or a wrong API key (`invalid_client`) included, leaves the grant as it was.
   */
  private async handleRefreshFailure(grantId: string, error: unknown): Promise<never> {
    if (!(error instanceof NylasOAuthError) || error.code !== 'invalid_grant') {
      await this.grants.releaseRefreshLease(grantId).catch(() => undefined);
      this.logger.warn(`Refreshing grant ${grantId} failed and will be retried on the next call: ${(error as { code?: string }).code ?? 'unexpected_error'}`);
      throw error;
    }

    const before = await this.grants.setStatus(grantId, 'invalid', Date.now());
    this.logger.warn(`Nylas rejected the refresh of grant ${grantId} with ${error.code}; the grant is now invalid`);
    await this.events.emit({ type: 'grant.invalid', grantId, userId: before?.userId ?? null, source: 'refresh' });
    throw new GrantInvalidError(grantId, { cause: error });
  }
}
