import {
  GrantInvalidError,
  NYLAS_CLIENT,
  NylasConnectError,
  NylasGrantResolver,
  NylasTimeoutError,
  NylasUnavailableError,
  createNylasClient,
  type NylasClient,
} from 'nestjs-nylas-connect';
import { NylasEmulator } from 'nylas-emulator';

import { API_KEY, createConnectTestApp, silenceNestLogger, startEmulator, type ConnectTestApp } from '../support/connect-test-app.js';

async function errorOf(promise: Promise<unknown>): Promise<NylasConnectError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof NylasConnectError) return error;
    throw error;
  }
  throw new Error('expected the promise to reject');
}

describe('Nylas API client and grant resolver', () => {
  let emulator: NylasEmulator;
  let ctx: ConnectTestApp;
  let nylas: NylasClient;
  let resolver: NylasGrantResolver;

  beforeAll(async () => {
    silenceNestLogger();
    emulator = await startEmulator();
  });

  afterAll(async () => {
    await emulator.close();
  });

  beforeEach(async () => {
    emulator.reset();
    ctx = await createConnectTestApp(emulator, { requestTimeoutMs: 500 });
    nylas = ctx.app.get<NylasClient>(NYLAS_CLIENT);
    resolver = ctx.app.get(NylasGrantResolver);
  });

  afterEach(async () => {
    await ctx.app.close();
  });

  /** Runs a whole flow for a user and returns the linked grant id. */
  async function connect(userId: string, email: string): Promise<string> {
    const url = await ctx.service.getAuthUrl({ userId, provider: 'google' });
    const result = await ctx.service.callback(await emulator.approve(url, { email }));
    return result.grantId;
  }

  describe('NYLAS_CLIENT', () => {
    it('reads a grant from the configured apiUri with the API key', async () => {
      const grantId = await connect('alice', 'alice@example.com');

      const response = await nylas.grants.find({ grantId });
      expect(response.data).toMatchObject({ id: grantId, email: 'alice@example.com', grantStatus: 'valid', provider: 'google' });
      expect(emulator.stats().requests.grants).toBe(1);
    });

    it('times out after requestTimeoutMs', async () => {
      const grantId = await connect('alice', 'alice@example.com');
      emulator.injectFault('grants', { delayMs: 3000 });

      const startedAt = Date.now();
      // Node gives the SDK's NylasSdkTimeoutError. Inside Jest's sandbox the SDK's `instanceof Error`
      // check fails for the AbortError of Node's fetch, so the raw AbortError arrives instead.
      await expect(nylas.grants.find({ grantId })).rejects.toThrow(/timed out|aborted/);
      expect(Date.now() - startedAt).toBeLessThan(2500);
    });

    it('converts requestTimeoutMs to the seconds the SDK takes', async () => {
      const client = createNylasClient({ apiKey: API_KEY, apiUri: emulator.url, requestTimeoutMs: 2500 });
      // The SDK keeps the timeout in milliseconds after multiplying the configured seconds by 1000.
      expect((client as unknown as { apiClient: { timeout: number } }).apiClient.timeout).toBe(2500);
    });
  });

  describe('NylasGrantResolver.forUser', () => {
    it("returns the user's linked grant", async () => {
      const grantId = await connect('alice', 'alice@example.com');

      const grant = await resolver.forUser('alice', grantId);
      expect(grant).toMatchObject({ grantId, userId: 'alice', status: 'valid' });
      expect(emulator.stats().requests.grants).toBe(0);
    });

    it("rejects another user's grant as not found", async () => {
      const grantId = await connect('alice', 'alice@example.com');

      const error = await errorOf(resolver.forUser('bob', grantId));
      expect(error.code).toBe('grant_not_found');
      expect(error.getStatus()).toBe(404);
    });

    it('rejects an unknown grant id as not found', async () => {
      const error = await errorOf(resolver.forUser('alice', 'no-such-grant'));
      expect(error.code).toBe('grant_not_found');
    });

    it('checks with Nylas and stores an invalid status', async () => {
      const grantId = await connect('alice', 'alice@example.com');
      expect(emulator.invalidateGrant(grantId)).toBe(true);

      // Without the check, the stored status is still valid.
      await expect(resolver.forUser('alice', grantId)).resolves.toMatchObject({ status: 'valid' });

      const error = await errorOf(resolver.forUser('alice', grantId, { checkWithNylas: true }));
      expect(error).toBeInstanceOf(GrantInvalidError);
      expect(error.code).toBe('grant_invalid');
      expect(error.getStatus()).toBe(409);
      expect(emulator.stats().requests.grants).toBe(1);

      // The stored status now fails the local check too, with no request to Nylas.
      const local = await errorOf(resolver.forUser('alice', grantId));
      expect(local.code).toBe('grant_invalid');
      expect(emulator.stats().requests.grants).toBe(1);
    });

    it('stores valid again after the user reconnects', async () => {
      const grantId = await connect('alice', 'alice@example.com');
      emulator.invalidateGrant(grantId);
      await errorOf(resolver.forUser('alice', grantId, { checkWithNylas: true }));

      expect(await connect('alice', 'alice@example.com')).toBe(grantId);
      await expect(resolver.forUser('alice', grantId, { checkWithNylas: true })).resolves.toMatchObject({ status: 'valid' });
    });

    it('reports a grant deleted at Nylas as invalid', async () => {
      const grantId = await connect('alice', 'alice@example.com');
      await nylas.grants.destroy({ grantId });

      const error = await errorOf(resolver.forUser('alice', grantId, { checkWithNylas: true }));
      expect(error.code).toBe('grant_invalid');
      expect(await ctx.grants.findOneForUser('alice', grantId)).toMatchObject({ status: 'invalid' });
    });
  });

  describe('NylasGrantResolver failures at Nylas', () => {
    let grantId: string;

    beforeEach(async () => {
      grantId = await connect('alice', 'alice@example.com');
    });

    it('passes a server error on as nylas_unavailable', async () => {
      emulator.injectFault('grants', { status: 500, body: '<html>Internal detail</html>', contentType: 'text/html' });

      const error = await errorOf(resolver.forUser('alice', grantId, { checkWithNylas: true }));
      expect(error).toBeInstanceOf(NylasUnavailableError);
      expect(error.getStatus()).toBe(502);
      expect(JSON.stringify(error.getResponse())).not.toContain('Internal detail');
    });

    it('passes a slow response on as nylas_timeout', async () => {
      emulator.injectFault('grants', { delayMs: 3000 });

      const error = await errorOf(resolver.forUser('alice', grantId, { checkWithNylas: true }));
      expect(error).toBeInstanceOf(NylasTimeoutError);
      expect(error.getStatus()).toBe(504);
    });

    it('leaves the stored status alone when Nylas fails', async () => {
      emulator.injectFault('grants', { status: 500, body: '{}' });
      await errorOf(resolver.forUser('alice', grantId, { checkWithNylas: true }));

      await expect(resolver.forUser('alice', grantId)).resolves.toMatchObject({ status: 'valid' });
    });
  });
});
