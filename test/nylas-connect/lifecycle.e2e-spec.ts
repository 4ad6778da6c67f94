import { randomBytes } from 'node:crypto';

import { NylasGrantEvents, type NylasConnectOptions, type NylasGrantEvent } from 'nestjs-nylas-connect';
import { NylasEmulator } from 'nylas-emulator';

import { useConnectTestApps, type ConnectTestApp } from '../support/connect-test-app.js';
import { errorOf } from '../support/error-of.js';

const ENCRYPTION: Partial<NylasConnectOptions> = {
  tokenEncryption: { currentKeyId: 'k1', keys: { k1: randomBytes(32).toString('base64') } },
};
const OFFLINE: Partial<NylasConnectOptions> = { ...ENCRYPTION, accessType: 'offline' };

describe('grant lifecycle', () => {
  const suite = useConnectTestApps();
  const app = (overrides: Partial<NylasConnectOptions> = {}) => suite.app(overrides);
  let emulator: NylasEmulator;

  beforeEach(() => {
    emulator = suite.emulator;
  });

  async function connect(ctx: ConnectTestApp, userId = 'alice', email = 'alice@example.com'): Promise<string> {
    const url = await ctx.service.getAuthUrl({ userId });
    const result = await ctx.service.callback(await emulator.approve(url, { email }));
    return result.grantId;
  }

  /** Makes the stored access token look expired, so the next call has to refresh it. */
  async function expireStoredToken(ctx: ConnectTestApp, grantId: string): Promise<void> {
    await ctx.dataSource.query(`UPDATE nylas_grants SET access_token_expires_at = ${Date.now() - 1000} WHERE grant_id = '${grantId}'`);
  }

  function collectEvents(ctx: ConnectTestApp): NylasGrantEvent[] {
    const events: NylasGrantEvent[] = [];
    ctx.app.get(NylasGrantEvents).events$.subscribe((event) => events.push(event));
    return events;
  }

  describe('getAccessToken', () => {
    it('returns the stored token while it is fresh', async () => {
      const ctx = await app(OFFLINE);
      const grantId = await connect(ctx);

      const token = await ctx.service.getAccessToken(grantId);
      expect(token).toBe((await ctx.grants.readTokens(grantId))?.accessToken);
      expect(emulator.stats().tokenExchanges.refreshToken).toBe(0);
    });

    it('refreshes an expiring token once for concurrent callers', async () => {
      const ctx = await app(OFFLINE);
      const grantId = await connect(ctx);
      const before = (await ctx.grants.readTokens(grantId))!.accessToken;
      await expireStoredToken(ctx, grantId);

      const tokens = await Promise.all(Array.from({ length: 5 }, () => ctx.service.getAccessToken(grantId)));
      expect(new Set(tokens).size).toBe(1);
      expect(tokens[0]).not.toBe(before);
      expect(emulator.stats().tokenExchanges.refreshToken).toBe(1);

      const stored = await ctx.grants.readTokens(grantId);
      expect(stored?.accessToken).toBe(tokens[0]);
      expect(stored?.accessTokenExpiresAt).toBeGreaterThan(Date.now() + 3000 * 1000);
    });

    it('refreshes once across two instances', async () => {
      const instanceA = await app(OFFLINE);
      const instanceB = await app(OFFLINE);
      const grantId = await connect(instanceA);
      await expireStoredToken(instanceA, grantId);

      const [tokenA, tokenB] = await Promise.all([instanceA.service.getAccessToken(grantId), instanceB.service.getAccessToken(grantId)]);
      expect(tokenA).toBe(tokenB);
      expect(emulator.stats().tokenExchanges.refreshToken).toBe(1);
    });

    it('marks the grant invalid when Nylas rejects the refresh token', async () => {
      const ctx = await app(OFFLINE);
      const events = collectEvents(ctx);
      const grantId = await connect(ctx);
      const { refreshToken } = (await ctx.grants.readTokens(grantId))!;
      await fetch(`${emulator.url}/v3/connect/revoke?token=${encodeURIComponent(refreshToken!)}`, { method: 'POST' });
      await expireStoredToken(ctx, grantId);

      const error = await errorOf(ctx.service.getAccessToken(grantId));
      expect(error.code).toBe('grant_invalid');
      expect((await ctx.grants.findByGrantId(grantId))?.status).toBe('invalid');
      expect(events).toEqual([expect.objectContaining({ type: 'grant.invalid', grantId, userId: 'alice', source: 'refresh' })]);
    });

    it('leaves the grant as it was when Nylas is down', async () => {
      const ctx = await app(OFFLINE);
      const grantId = await connect(ctx);
      await expireStoredToken(ctx, grantId);
      emulator.injectFault('token', { status: 503, body: '<html>maintenance</html>', contentType: 'text/html', times: 1 });

      const error = await errorOf(ctx.service.getAccessToken(grantId));
      expect(error.code).toBe('nylas_unavailable');
      expect((await ctx.grants.findByGrantId(grantId))?.status).toBe('valid');

      // The lease was given up, so the next call refreshes at once.
      const token = await ctx.service.getAccessToken(grantId);
      expect(token).toEqual(expect.any(String));
      expect(emulator.stats().tokenExchanges.refreshToken).toBe(1);
    });

    it.each([
      ['temporarily_unavailable', 503],
      ['server_error', 500],
      ['invalid_client', 401],
    ])('keeps the grant valid when the refresh fails with %s', async (error, status) => {
      const ctx = await app(OFFLINE);
      const grantId = await connect(ctx);
      await expireStoredToken(ctx, grantId);
      emulator.injectFault('token', { status, body: JSON.stringify({ error, error_description: 'x' }), times: 1 });

      await expect(ctx.service.getAccessToken(grantId)).rejects.toMatchObject({ code: error });
      expect((await ctx.grants.findByGrantId(grantId))?.status).toBe('valid');
    });

    it('reports tokens_not_stored without an encryption key', async () => {
      const ctx = await app({});
      const grantId = await connect(ctx);
      expect((await errorOf(ctx.service.getAccessToken(grantId))).code).toBe('tokens_not_stored');
    });

    it('reports access_token_expired without a refresh token', async () => {
      const ctx = await app(ENCRYPTION);
      const grantId = await connect(ctx);
      await expireStoredToken(ctx, grantId);
      expect((await errorOf(ctx.service.getAccessToken(grantId))).code).toBe('access_token_expired');
    });

    it('reports grant_not_found for an unknown grant', async () => {
      const ctx = await app(OFFLINE);
      expect((await errorOf(ctx.service.getAccessToken('no-such-grant'))).code).toBe('grant_not_found');
    });
  });

  describe('disconnect', () => {
    async function tokenIsActive(token: string): Promise<boolean> {
      const response = await fetch(`${emulator.url}/v3/connect/tokeninfo?access_token=${encodeURIComponent(token)}`);
      return response.status === 200;
    }

    it('revokes the token, removes the link, and is harmless to repeat', async () => {
      const ctx = await app(OFFLINE);
      const grantId = await connect(ctx);
      const { accessToken } = (await ctx.grants.readTokens(grantId))!;
      expect(await tokenIsActive(accessToken)).toBe(true);

      expect(await ctx.service.disconnect('alice', grantId)).toEqual({ unlinked: true, tokensRevoked: true, grantDeleted: false });
      expect(await tokenIsActive(accessToken)).toBe(false);
      expect(await ctx.grants.findForUser('alice')).toHaveLength(0);

      expect(await ctx.service.disconnect('alice', grantId)).toEqual({ unlinked: false, tokensRevoked: false, grantDeleted: false });
    });

    it('deletes the grant at Nylas when asked', async () => {
      const ctx = await app(OFFLINE);
      const grantId = await connect(ctx);

      await ctx.service.disconnect('alice', grantId, { deleteGrant: true });
      const response = await fetch(`${emulator.url}/v3/grants/${grantId}`, { headers: { authorization: 'Bearer test-api-key-0123456789' } });
      expect(response.status).toBe(404);
    });

    it('keeps the link when Nylas fails, and a retry finishes', async () => {
      const ctx = await app(OFFLINE);
      const grantId = await connect(ctx);
      emulator.injectFault('revoke', { status: 500, body: 'oops', contentType: 'text/plain', times: 1 });

      const error = await errorOf(ctx.service.disconnect('alice', grantId));
      expect(error.code).toBe('disconnect_incomplete');
      expect(error.message).toMatch(/Retry the disconnect/);
      expect(await ctx.grants.findForUser('alice')).toHaveLength(1);

      expect((await ctx.service.disconnect('alice', grantId)).unlinked).toBe(true);
    });

    it('still unlinks when the token key is gone', async () => {
      const before = await app(OFFLINE);
      const grantId = await connect(before);
      const withOtherKey = await app({ tokenEncryption: { currentKeyId: 'k9', keys: { k9: randomBytes(32).toString('base64') } } });

      expect((await errorOf(withOtherKey.service.getAccessToken(grantId))).code).toBe('stored_token_unreadable');
      expect(await withOtherKey.service.disconnect('alice', grantId)).toEqual({ unlinked: true, tokensRevoked: false, grantDeleted: false });
    });

    it('never disconnects another user’s grant', async () => {
      const ctx = await app(OFFLINE);
      const grantId = await connect(ctx);

      expect((await ctx.service.disconnect('mallory', grantId)).unlinked).toBe(false);
      expect(await ctx.grants.findForUser('alice')).toHaveLength(1);
      expect(emulator.stats().requests.revoke).toBe(0);
    });
  });

  describe('syncGrant', () => {
    it('copies an invalid status from Nylas and reports it', async () => {
      const ctx = await app({});
      const events = collectEvents(ctx);
      const grantId = await connect(ctx);
      emulator.invalidateGrant(grantId);

      const synced = await ctx.service.syncGrant(grantId);
      expect(synced.status).toBe('invalid');
      expect(events).toEqual([expect.objectContaining({ type: 'grant.invalid', grantId, source: 'sync' })]);
    });

    it('marks a grant Nylas no longer knows as invalid', async () => {
      const ctx = await app({});
      const grantId = await connect(ctx);
      await fetch(`${emulator.url}/v3/grants/${grantId}`, { method: 'DELETE', headers: { authorization: 'Bearer test-api-key-0123456789' } });

      expect((await ctx.service.syncGrant(grantId)).status).toBe('invalid');
    });

    it('keeps a valid grant valid and updates its email', async () => {
      const ctx = await app({});
      const grantId = await connect(ctx, 'alice', 'Alice@Example.com');
      const synced = await ctx.service.syncGrant(grantId);
      expect(synced.status).toBe('valid');
      expect(synced.emailNormalized).toBe('alice@example.com');
    });
  });
});
