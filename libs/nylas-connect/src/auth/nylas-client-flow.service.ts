import { Inject, Injectable, Logger } from '@nestjs/common';

import { StateNotFoundError } from '../errors/callback.errors.js';
import { describeError } from '../errors/describe-error.js';
import { ClientFlowsDisabledError, FlowModeMismatchError, FlowUserMismatchError } from '../errors/client-flow.errors.js';
import { StorageUnavailableError } from '../errors/storage.errors.js';
import { NYLAS_CONNECT_OPTIONS } from '../nylas-connect.constants.js';
import type { NylasConnection, StartedFlow, StartFlowParams } from '../nylas-connection.js';
import { NylasConnectService } from '../nylas-connect.service.js';
import type { ResolvedNylasConnectOptions } from '../resolved-options.js';
import { NylasPendingFlowReader, type PendingFlowSummary } from './nylas-pending-flow.reader.js';

/** The authorization code and state a front end received, to exchange on the server. */
export interface CodeExchangeInput {
  code: string;
  state: string;
}

/**
 * Flows for front ends that run the hosted-authentication pop-up themselves, such as
 * `@nylas/connect` with its `codeExchange` hook. The backend issues the state, the front end
 * sends the code back, and the backend exchanges it with the API key, so tokens stay on the server.
 *
 * NOTE: such a flow has no PKCE, because `@nylas/connect` 1.2.5 leaves the challenge out of its
 * authorization URL whenever `codeExchange` is set. The state and the user check below still bind
 * the flow to the user who started it, but nothing binds the code to the state: a stolen code
 * could be sent with another user's own state. That is why these flows are off unless the
 * `allowClientFlows` option turns them on; the `redirect` and `popup` flows use PKCE.
 */
@Injectable()
export class NylasClientFlowService {
  private readonly logger = new Logger('NylasConnect');

  constructor(
    private readonly connect: NylasConnectService,
    private readonly pendingFlows: NylasPendingFlowReader,
    @Inject(NYLAS_CONNECT_OPTIONS) private readonly options: ResolvedNylasConnectOptions,
  ) {}

  /** Starts a `client` flow for a user and returns `{ url, state, expiresAt }`; the URL has no PKCE challenge. */
  start(params: Omit<StartFlowParams, 'mode'>): Promise<StartedFlow> {
    if (!this.options.allowClientFlows) throw new ClientFlowsDisabledError();
    return this.connect.startFlow({ ...params, mode: 'client' });
  }

  /**
   * Finishes a `client` flow for the user who sends the code. The flow must exist, belong to
   * `userId` and be a `client` flow. Otherwise it fails before anything is claimed, exchanged or
   * linked, so the flow stays usable by its own user. Then it runs `completeCallback()` on the
   * configured `callbackUri` with `code` and `state`, the URL Nylas redirected the pop-up to.
   */
  async exchange(userId: string, input: CodeExchangeInput): Promise<NylasConnection> {
    if (!this.options.allowClientFlows) throw new ClientFlowsDisabledError();
    const flow = await this.findFlow(input.state);
    if (flow === null) throw new StateNotFoundError();
    if (flow.userId !== userId) {
      this.logger.warn(`User ${userId} sent the code of a flow started by user ${flow.userId}; nothing was exchanged`);
      throw new FlowUserMismatchError();
    }
    if (flow.mode !== 'client') {
      throw new FlowModeMismatchError(`This flow was started in ${flow.mode} mode and finishes at the callback URL. Start a client flow to use the exchange endpoint.`);
    }

    const callbackUrl = new URL(this.options.callbackUri);
    callbackUrl.searchParams.set('code', input.code);
    callbackUrl.searchParams.set('state', input.state);
    return this.connect.completeCallback(callbackUrl.toString());
  }

  private async findFlow(state: string): Promise<PendingFlowSummary | null> {
    try {
      return await this.pendingFlows.findByState(state);
    } catch (error) {
      this.logger.error(`Reading a flow for an exchange failed: ${describeError(error)}`);
      throw new StorageUnavailableError('reading the flow', { cause: error });
    }
  }
}
