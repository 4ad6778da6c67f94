import { randomBytes } from 'node:crypto';

import { NylasConnectError, type NylasConnectOptions } from 'nestjs-nylas-connect';
import { NylasEmulator } from 'nylas-emulator';

import { useConnectTestApps, type ConnectTestApp } from '../support/connect-test-app.js';

const KEY_1 = randomBytes(32).toString('base64');
const KEY_2 = randomBytes(32).toString('base64');

function encryptionWith(currentKeyId: string, keys: Record<string, string>): Partial<NylasConnectOptions> {
  return { tokenEncryption: { currentKeyId, keys } };
}

async function outcome(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'ok';
  } catch (error) {
    if (error instanceof NylasConnectError) return error.code;
    throw error;
  }
}

describe('grant storage', () => {
  const suite = useConnectTestApps();
  const app = (overrides: Partial<NylasConnectOptions> = {}) => suite.app(overrides);
  let emulator: NylasEmulator;

  beforeEach(() => {
    emulator = suite.emulator;
  });

  async function rawGrantRows(ctx: ConnectTestApp): Promise<Array<Record<string, unknown>>> {
    return ctx.dataSource.query('SELECT * FROM nylas_grants');
  }

  describe('across two app instances on one database', () => {
    it('finishes on instance B a flow started on instance A', async () => {
      const instanceA = await app();
      const instanceB = await app();

      const url = await instanceA.service.getAuthUrl({ userId: 'alice' });
      const result = await instanceB.service.callback(await emulator.approve(url, { email: 'alice@example.com' }));

      expect((await instanceA.grants.findForUser('alice')).map((grant) => grant.grantId)).toEqual([result.grantId]);
    });

    it('exchanges a callback sent to both instances once and writes one row', async () => {
      const instanceA = await app();
      const instanceB = await app();
      const url = await instanceA.service.getAuthUrl({ userId: 'alice' });
      const callbackUrl = await emulator.approve(url, { email: 'alice@example.com' });

      const outcomes = await Promise.all([outcome(instanceA.service.callback(callbackUrl)), outcome(instanceB.service.callback(callbackUrl))]);

      expect(outcomes.sort()).toEqual(['ok', 'state_already_used']);
      expect(emulator.stats().tokenExchanges.authorizationCode).toBe(1);
      expect(await rawGrantRows(instanceA)).toHaveLength(1);
    });
  });

  describe('linking rules', () => {
    it('concurrent links of one mailbox: one 409', async () => {
      const instanceA = await app();
      const instanceB = await app();
      const aliceUrl = await emulator.approve(await instanceA.service.getAuthUrl({ userId: 'alice' }), { email: 'shared@example.com' });
      const bobUrl = await emulator.approve(await instanceB.service.getAuthUrl({ userId: 'bob' }), { email: 'shared@example.com' });

      const outcomes = await Promise.all([outcome(instanceA.service.callback(aliceUrl)), outcome(instanceB.service.callback(bobUrl))]);

      expect(outcomes.sort()).toEqual(['grant_linked_to_other_user', 'ok']);
      expect(await rawGrantRows(instanceA)).toHaveLength(1);
    });

    it('links several mailboxes to one user', async () => {
      const ctx = await app();
      for (const email of ['one@example.com', 'two@example.com']) {
        await ctx.service.callback(await emulator.approve(await ctx.service.getAuthUrl({ userId: 'alice' }), { email }));
      }
      expect((await ctx.grants.findForUser('alice')).map((grant) => grant.email)).toEqual(['one@example.com', 'two@example.com']);
    });

    it('stores the email as given and normalized', async () => {
      const ctx = await app();
      await ctx.service.callback(await emulator.approve(await ctx.service.getAuthUrl({ userId: 'alice' }), { email: 'Alice.Smith@Example.COM' }));

      const [grant] = await ctx.grants.findForUser('alice');
      expect(grant.email).toBe('Alice.Smith@Example.COM');
      expect(grant.emailNormalized).toBe('alice.smith@example.com');
      expect(await ctx.grants.findByEmail(' ALICE.smith@example.com')).toHaveLength(1);
    });

    it('never reads or unlinks another user’s grant', async () => {
      const ctx = await app();
      const result = await ctx.service.callback(await emulator.approve(await ctx.service.getAuthUrl({ userId: 'alice' }), { email: 'alice@example.com' }));

      expect(await ctx.grants.findOneForUser('bob', result.grantId)).toBeNull();
      expect(await ctx.grants.unlinkForUser('bob', result.grantId)).toBe(false);
      expect(await ctx.grants.findOneForUser('alice', result.grantId)).not.toBeNull();
      expect(await ctx.grants.unlinkForUser('alice', result.grantId)).toBe(true);
      expect(await ctx.grants.findForUser('alice')).toHaveLength(0);
    });

    it('moves a grant between users under the transfer policy', async () => {
      const ctx = await app({ grantConflictPolicy: 'transfer' });
      await ctx.service.callback(await emulator.approve(await ctx.service.getAuthUrl({ userId: 'alice' }), { email: 'shared@example.com' }));
      await ctx.service.callback(await emulator.approve(await ctx.service.getAuthUrl({ userId: 'bob' }), { email: 'shared@example.com' }));

      expect(await ctx.grants.findForUser('alice')).toHaveLength(0);
      expect(await ctx.grants.findForUser('bob')).toHaveLength(1);
    });
  });

  describe('tokens at rest', () => {
    it('stores no token without an encryption key', async () => {
      const ctx = await app();
      const result = await ctx.service.callback(await emulator.approve(await ctx.service.getAuthUrl({ userId: 'alice' }), { email: 'alice@example.com' }));

      const [row] = await rawGrantRows(ctx);
      expect(row.access_token_ciphertext).toBeNull();
      expect(row.refresh_token_ciphertext).toBeNull();
      expect(await ctx.grants.readTokens(result.grantId)).toBeNull();
    });

    it('encrypts access and refresh tokens, and no column holds them in plain text', async () => {
      const ctx = await app({ ...encryptionWith('k1', { k1: KEY_1 }), accessType: 'offline' });
      const result = await ctx.service.callback(await emulator.approve(await ctx.service.getAuthUrl({ userId: 'alice' }), { email: 'alice@example.com' }));

      const tokens = await ctx.grants.readTokens(result.grantId);
      expect(tokens?.accessToken).toBe(result.accessToken);
      expect(tokens?.refreshToken).toEqual(expect.any(String));
      expect(tokens?.accessTokenExpiresAt).toBe(result.expiresAt);

      const dump = JSON.stringify(await rawGrantRows(ctx)) + JSON.stringify(await ctx.dataSource.query('SELECT * FROM nylas_pending_flows'));
      expect(dump).not.toContain(result.accessToken);
      expect(dump).not.toContain(tokens!.refreshToken!);
      expect(dump).not.toContain(result.idToken);
      expect((await rawGrantRows(ctx))[0].token_key_id).toBe('k1');
    });

    it('refuses a ciphertext moved to another grant', async () => {
      const ctx = await app(encryptionWith('k1', { k1: KEY_1 }));
      const first = await ctx.service.callback(await emulator.approve(await ctx.service.getAuthUrl({ userId: 'alice' }), { email: 'a@example.com' }));
      const second = await ctx.service.callback(await emulator.approve(await ctx.service.getAuthUrl({ userId: 'alice' }), { email: 'b@example.com' }));

      await ctx.dataSource.query(
        `UPDATE nylas_grants SET access_token_ciphertext = (SELECT c FROM (SELECT access_token_ciphertext AS c FROM nylas_grants WHERE grant_id = '${first.grantId}') AS copied) WHERE grant_id = '${second.grantId}'`,
      );
      await expect(ctx.grants.readTokens(second.grantId)).rejects.toMatchObject({ code: 'stored_token_unreadable' });
    });

    it('key rotation reads and re-encrypts rows', async () => {
      const before = await app(encryptionWith('k1', { k1: KEY_1 }));
      const result = await before.service.callback(await emulator.approve(await before.service.getAuthUrl({ userId: 'alice' }), { email: 'alice@example.com' }));

      const rotated = await app(encryptionWith('k2', { k1: KEY_1, k2: KEY_2 }));
      expect((await rotated.grants.readTokens(result.grantId))?.accessToken).toBe(result.accessToken);

      expect(await rotated.grants.reencryptTokens()).toBe(1);
      expect((await rawGrantRows(rotated))[0].token_key_id).toBe('k2');
      expect(await rotated.grants.reencryptTokens()).toBe(0);

      const retired = await app(encryptionWith('k2', { k2: KEY_2 }));
      expect((await retired.grants.readTokens(result.grantId))?.accessToken).toBe(result.accessToken);
    });
  });

  describe('pending flows', () => {
    it('purges expired flows when a flow starts', async () => {
      const ctx = await app({ stateTtlMs: 20 });
      await ctx.service.getAuthUrl({ userId: 'alice' });
      await ctx.service.getAuthUrl({ userId: 'bob' });
      await new Promise((resolve) => setTimeout(resolve, 40));

      await ctx.service.getAuthUrl({ userId: 'carol' });
      const rows: Array<{ user_id: string }> = await ctx.dataSource.query('SELECT user_id FROM nylas_pending_flows');
      expect(rows.map((row) => row.user_id)).toEqual(['carol']);
    });

    it('rejects at the total cap only after a recount', async () => {
      const ctx = await app({ maxPendingFlows: 3 });
      for (const userId of ['alice', 'bob', 'carol']) await ctx.service.getAuthUrl({ userId });
      expect(await outcome(ctx.service.getAuthUrl({ userId: 'dave' }))).toBe('too_many_pending_flows');

      // Rows that go away without this instance knowing, as when another instance purges them.
      await ctx.dataSource.query("DELETE FROM nylas_pending_flows WHERE user_id = 'alice'");

      expect(await outcome(ctx.service.getAuthUrl({ userId: 'dave' }))).toBe('ok');
    });

    it("sees other instances' starts within a second", async () => {
      const instanceA = await app({ maxPendingFlows: 2 });
      const instanceB = await app({ maxPendingFlows: 2 });
      await instanceA.service.getAuthUrl({ userId: 'alice' });
      await instanceB.service.getAuthUrl({ userId: 'bob' });
      expect(await outcome(instanceB.service.getAuthUrl({ userId: 'carol' }))).toBe('too_many_pending_flows');

      await new Promise((resolve) => setTimeout(resolve, 1_100));

      expect(await outcome(instanceA.service.getAuthUrl({ userId: 'carol' }))).toBe('too_many_pending_flows');
    });
  });
});
