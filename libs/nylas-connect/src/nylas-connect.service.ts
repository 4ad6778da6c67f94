import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

import type { ConnectResult } from './connect-result.js';
import { InvalidCallbackError } from './errors/callback.errors.js';
import { describeError as describe } from './errors/describe-error.js';
import { NylasConnectError } from './errors/nylas-connect.error.js';
import { createOAuthError } from './errors/oauth.errors.js';
import { InvalidStartParameterError } from './errors/start.errors.js';
import { GrantLinkChangedError, StorageUnavailableError } from './errors/storage.errors.js';
import { NYLAS_CONNECT_OPTIONS } from './nylas-connect.constants.js';
import { NYLAS_PROVIDERS, type NylasProvider } from './nylas-connect.options.js';
import { NYLAS_FLOW_MODES, type NylasFlowMode } from './nylas-flow-mode.js';
import type { NylasConnection, StartedFlow, StartFlowParams } from './nylas-connection.js';
import { parseCallbackUrl } from './oauth/callback-params.js';
import { IdTokenVerifier } from './oauth/id-token.verifier.js';
import { NylasTokenClient } from './oauth/nylas-token.client.js';
import { createCodeVerifier, createNylasCodeChallenge } from './oauth/pkce.js';
import { validateReturnTo } from './oauth/return-to.js';
import { createState, hashState } from './oauth/state.js';
import type { ResolvedNylasConnectOptions } from './resolved-options.js';
import { NylasFlowStore } from './storage/nylas-flow.store.js';
import { isUniqueViolation } from './storage/database-errors.js';
import { NylasGrantRepository, type GrantLinkInput } from './storage/nylas-grant.repository.js';
import type { NylasPendingFlow } from './entities/nylas-pending-flow.entity.js';
import type { NylasGrant } from './entities/nylas-grant.entity.js';
import { AccessTokenService } from './lifecycle/access-token.service.js';
import { GrantLifecycleService, type DisconnectOptions, type DisconnectResult } from './lifecycle/grant-lifecycle.service.js';

const MAX_USER_ID_LENGTH = 255;
const MAX_LOGIN_HINT_LENGTH = 320;

/**
 * Starts Nylas hosted-authentication flows and finishes them: the backend half of
 * `NylasConnect.callback()`.
 */
@Injectable()
export class NylasConnectService {
  private readonly logger = new Logger('NylasConnect');

  /**
   * Callbacks in progress in this process, by state hash. A second request with the same
   * callback URL (a front end that runs an effect twice) shares the first one's outcome instead
   * of failing. Across instances, the atomic claim makes the second one fail with a 400.
   */
  private readonly inFlight = new Map<string, Promise<NylasConnection>>();

  private lastStartAt = 0;

  constructor(
    @Inject(NYLAS_CONNECT_OPTIONS) private readonly options: ResolvedNylasConnectOptions,
    private readonly flows: NylasFlowStore,
    private readonly grants: NylasGrantRepository,
    private readonly tokenClient: NylasTokenClient,
    private readonly idTokenVerifier: IdTokenVerifier,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly accessTokens: AccessTokenService,
    private readonly lifecycle: GrantLifecycleService,
  ) {}

  /**
   * Returns a valid access token for a linked grant, refreshing it ahead of expiry. Needs the
   * `tokenEncryption` option, since tokens are stored only encrypted; without it, call Nylas
   * with the API key and the grant id instead.
   */
  getAccessToken(grantId: string): Promise<string> {
    return this.accessTokens.getAccessToken(grantId);
  }

  /** Revokes the grant's token, optionally deletes the grant at Nylas, and removes the user's link. */
  disconnect(userId: string, grantId: string, options?: DisconnectOptions): Promise<DisconnectResult> {
    return this.lifecycle.disconnect(userId, grantId, options);
  }

  /** Copies the grant's status, email and scope from Nylas, and reports a grant that became invalid. */
  syncGrant(grantId: string): Promise<NylasGrant> {
    return this.lifecycle.syncGrant(grantId);
  }

  /** Starts a flow for a user and returns the Nylas authorization URL to redirect the browser to. */
  async getAuthUrl(params: StartFlowParams): Promise<string> {
    const flow = await this.startFlow(params);
    return flow.url;
  }

  /**
   * Starts a flow: stores it under a fresh random state with a PKCE verifier, and returns the
   * authorization URL with the state. The verifier stays in the database; only its challenge is
   * sent, so a leaked URL or state cannot be exchanged without this server.
   */
  async startFlow(params: StartFlowParams): Promise<StartedFlow> {
    const userId = checkUserId(params.userId);
    const provider = this.checkProvider(params.provider);
    const returnTo = params.returnTo === undefined || params.returnTo === '' ? null : validateReturnTo(params.returnTo);
    const loginHint = checkLoginHint(params.loginHint);
    const mode = checkFlowMode(params.mode);

    const state = createState();
    const codeVerifier = createCodeVerifier();
    // Start times are kept strictly increasing in this process, so that the per-user cap drops
    // the flows that really are the oldest even when several start within one millisecond.
    const now = Math.max(Date.now(), this.lastStartAt + 1);
    this.lastStartAt = now;
    const expiresAt = now + this.options.stateTtlMs;

    try {
      await this.flows.create(
        { stateHash: hashState(state), userId, codeVerifier, returnTo, provider: provider ?? null, mode, createdAt: now, expiresAt },
        { maxPerUser: this.options.maxPendingFlowsPerUser, maxTotal: this.options.maxPendingFlows },
      );
    } catch (error) {
      if (error instanceof NylasConnectError) {
        this.logger.warn(`Starting a flow for user ${userId} failed: ${error.code}`);
        throw error;
      }
      this.logger.error(`Storing a new flow failed for user ${userId}: ${describe(error)}`);
      throw new StorageUnavailableError('starting the flow', { cause: error });
    }

    // A client flow's code is exchanged for a front end whose own authorization URL carries no
    // challenge (`@nylas/connect` drops PKCE when it hands the code to a backend), so none is sent.
    const challengeVerifier = mode === 'client' ? undefined : codeVerifier;
    const url = this.buildAuthUrl({ state, codeVerifier: challengeVerifier, provider, scope: params.scope ?? this.options.scope, loginHint });
    return { url, state, expiresAt };
  }

  /**
   * Finishes a flow from the full callback URL and returns the documented `ConnectResult`.
   * The grant is linked to the user who started the flow.
   */
  async callback(url: string): Promise<ConnectResult> {
    const connection = await this.completeCallback(url);
    return connection.result;
  }

  /**
   * Finishes a flow like `callback()` and also returns the stored link, the user and the return
   * path. Steps: read the URL, claim the state, exchange the code, verify the ID token, link.
   * `readBefore` is the flow's row when the caller has just read it, as the strategy does to
   * check the user and the mode. Passing it saves one query, and the claim still decides atomically.
   */
  async completeCallback(url: string, readBefore?: NylasPendingFlow): Promise<NylasConnection> {
    const params = parseCallbackUrl(url);

    if (params.error !== undefined) {
      await this.consumeStateAfterError(params.state);
      this.logger.warn(`A callback carried the OAuth error "${sanitizeForLog(params.error)}"`);
      throw createOAuthError(params.error, 'authorization', params.errorDescription);
    }
    if (params.code === undefined) {
      throw new InvalidCallbackError('missing_callback_parameters', 'The callback URL has neither a code nor an error. Open the callback only from Nylas.');
    }
    if (params.state === undefined) {
      throw new InvalidCallbackError('missing_state', 'The callback URL has no state. Start connecting the mailbox again.');
    }

    const stateHash = hashState(params.state);
    const running = this.inFlight.get(stateHash);
    if (running) return running;

    const completion = this.finishFlow(stateHash, params.code, readBefore).finally(() => this.inFlight.delete(stateHash));
    this.inFlight.set(stateHash, completion);
    return completion;
  }

  private async finishFlow(stateHash: string, code: string, readBefore?: NylasPendingFlow): Promise<NylasConnection> {
    const flow = await this.claimFlow(stateHash, readBefore);

    // The claim used the state up and the code works once, so after a failure from here on the
    // user starts again. The claimed row stays until it expires, so a replay gets state_already_used.
    const codeVerifier = flow.mode === 'client' ? undefined : flow.codeVerifier;
    const tokens = await this.tokenClient.exchangeCode(code, codeVerifier).catch((error: unknown) => this.logAndRethrow(flow, error));
    const grantInfo = await this.idTokenVerifier
      .verify(tokens.idToken, tokens.grantId, { email: tokens.email, provider: tokens.provider })
      .catch((error: unknown) => this.logAndRethrow(flow, error));

    const now = Date.now();
    const result: ConnectResult = {
      accessToken: tokens.accessToken,
      expiresAt: now + tokens.expiresIn * 1000,
      grantId: tokens.grantId,
      grantInfo,
      idToken: tokens.idToken,
      scope: tokens.scope,
    };

    const grant = await this.linkGrant(flow, result, tokens.refreshToken, now);
    this.logger.log(`Linked grant ${grant.grantId} to user ${flow.userId}`);
    return { result, grant, userId: flow.userId, returnTo: flow.returnTo };
  }

  private async claimFlow(stateHash: string, readBefore?: NylasPendingFlow): Promise<NylasPendingFlow> {
    try {
      return await this.flows.claim(stateHash, Date.now(), readBefore);
    } catch (error) {
      if (error instanceof NylasConnectError) throw error;
      this.logger.error(`Claiming a flow failed: ${describe(error)}`);
      throw new StorageUnavailableError('reading the flow', { cause: error });
    }
  }

  /**
   * Writes the link with one INSERT, or one UPDATE that names the owner it read, so each write
   * is atomic on its own. No transaction is opened, because it would cost two round trips and
   * still not isolate the read: PostgreSQL's default READ COMMITTED does not, and TypeORM runs
   * every SQLite request on one shared connection.
   */
  private async linkGrant(flow: NylasPendingFlow, result: ConnectResult, refreshToken: string | undefined, now: number): Promise<NylasGrant> {
    const input: GrantLinkInput = {
      grantId: result.grantId,
      userId: flow.userId,
      email: result.grantInfo?.email ?? '',
      provider: result.grantInfo?.provider ?? 'unknown',
      scope: result.scope,
      accessToken: result.accessToken,
      refreshToken,
      accessTokenExpiresAt: result.expiresAt,
      now,
    };
    try {
      return await this.linkWithOneRetry(input);
    } catch (error) {
      if (error instanceof NylasConnectError) {
        this.logger.warn(`Grant ${result.grantId} was not linked to user ${flow.userId}: ${error.code}`);
        throw error;
      }
      this.logger.error(`Linking grant ${result.grantId} to user ${flow.userId} failed: ${describe(error)}`);
      throw new StorageUnavailableError('linking the grant', { cause: error });
    }
  }

  /**
   * Links, and once more if a concurrent link of the same grant got in first (a primary key
   * violation, or the owner changed between the read and the write). The second attempt reads
   * that link and applies `grantConflictPolicy` to it.
   */
  private async linkWithOneRetry(input: GrantLinkInput): Promise<NylasGrant> {
    const link = () => this.grants.link(this.dataSource.manager, input, this.options.grantConflictPolicy);
    try {
      return await link();
    } catch (error) {
      if (!isUniqueViolation(error) && !(error instanceof GrantLinkChangedError)) throw error;
      return link();
    }
  }

  private logAndRethrow(flow: NylasPendingFlow, error: unknown): never {
    const code = error instanceof NylasConnectError ? error.code : 'unexpected_error';
    this.logger.warn(`Flow of user ${flow.userId} failed at Nylas: ${code}`);
    throw error;
  }

  /**
   * Uses up the state that came with an OAuth error, so the same state cannot be tried again.
   * An unknown, expired or used state changes nothing here: the OAuth error is what gets reported.
   */
  private async consumeStateAfterError(state: string | undefined): Promise<void> {
    if (state === undefined) return;
    try {
      const flow = await this.flows.claim(hashState(state), Date.now());
      this.logger.warn(`Flow of user ${flow.userId} ended with an OAuth error from Nylas`);
    } catch (error) {
      if (error instanceof NylasConnectError) return;
      this.logger.warn(`Using up the state of a failed callback failed: ${describe(error)}`);
    }
  }

  private checkProvider(provider: string | undefined): NylasProvider | undefined {
    if (provider === undefined || provider === '') return this.options.provider;
    if (!NYLAS_PROVIDERS.includes(provider as NylasProvider)) {
      throw new InvalidStartParameterError('invalid_provider', `provider must be one of ${NYLAS_PROVIDERS.join(', ')}.`);
    }
    return provider as NylasProvider;
  }

  private buildAuthUrl(input: { state: string; codeVerifier?: string; provider?: string; scope: string[]; loginHint?: string }): string {
    const url = new URL(`${this.options.apiUri}/v3/connect/auth`);
    const query = url.searchParams;
    query.set('client_id', this.options.clientId);
    query.set('redirect_uri', this.options.callbackUri);
    query.set('response_type', 'code');
    query.set('access_type', this.options.accessType);
    query.set('state', input.state);
    if (input.codeVerifier !== undefined) {
      query.set('code_challenge', createNylasCodeChallenge(input.codeVerifier));
      query.set('code_challenge_method', 'S256');
    }
    if (input.provider) query.set('provider', input.provider);
    if (input.scope.length > 0) query.set('scope', input.scope.join(' '));
    if (input.loginHint) query.set('login_hint', input.loginHint);
    if (this.options.prompt) query.set('prompt', this.options.prompt);
    return url.toString();
  }
}

function checkUserId(userId: unknown): string {
  if (typeof userId !== 'string' || userId === '' || userId.length > MAX_USER_ID_LENGTH) {
    throw new InvalidStartParameterError('invalid_user_id', `userId must be a non-empty string of at most ${MAX_USER_ID_LENGTH} characters.`);
  }
  return userId;
}

function checkFlowMode(mode: string | undefined): NylasFlowMode {
  if (mode === undefined) return 'redirect';
  if (!NYLAS_FLOW_MODES.includes(mode as NylasFlowMode)) {
    throw new InvalidStartParameterError('invalid_mode', `mode must be one of ${NYLAS_FLOW_MODES.join(', ')}.`);
  }
  return mode as NylasFlowMode;
}

function checkLoginHint(loginHint: string | undefined): string | undefined {
  if (loginHint === undefined || loginHint === '') return undefined;
  if (loginHint.length > MAX_LOGIN_HINT_LENGTH || /[\u0000-\u001f\u007f]/.test(loginHint)) {
    throw new InvalidStartParameterError('invalid_login_hint', `loginHint must be at most ${MAX_LOGIN_HINT_LENGTH} characters, without control characters.`);
  }
  return loginHint;
}

/** Keeps a value from a request fit for a log line: word characters only, at most 64. */
function sanitizeForLog(value: string): string {
  return value.replace(/[^\w.-]/g, '_').slice(0, 64);
}
