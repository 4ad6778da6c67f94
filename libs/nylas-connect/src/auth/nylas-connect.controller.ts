import { Controller, Get, HttpCode, Inject, Post, Req, Res, UseFilters, UseGuards, type Type } from '@nestjs/common';
import type { Request, Response } from 'express';

import { NYLAS_CONNECT_OPTIONS } from '../nylas-connect.constants.js';
import type { NylasConnection, StartedFlow } from '../nylas-connection.js';
import { NYLAS_CONNECT_SUCCESS } from '../nylas-flow-mode.js';
import type { ResolvedNylasConnectOptions } from '../resolved-options.js';
import { isCodeHandoff, rememberedFlowMode, type NylasCodeHandoff } from './callback-outcome.js';
import { readClientFlowParams, readCodeExchangeInput } from './client-flow-body.js';
import { NylasAuthGuard } from './nylas-auth.guard.js';
import { NylasFlowStep } from './nylas-flow-step.decorator.js';
import { NylasCallbackExceptionFilter, wantsJson } from './nylas-callback-exception.filter.js';
import { NylasClientFlowService } from './nylas-client-flow.service.js';
import { NylasStartExceptionFilter } from './nylas-start-exception.filter.js';
import { sendPopupPage } from './popup-page.js';
import { requireSignedInUser } from './signed-in-user.js';

/** Response of `POST <path>/exchange`: the linked grant, never a token. */
export interface CodeExchangeResponse {
  grantId: string;
  email: string;
  provider: string;
}

/**
 * Creates the built-in controller at `path`:
 *
 * - `GET <path>` starts a flow (`mode=popup` for a pop-up) and `GET <path>/callback` finishes it.
 * - `POST <path>/flows` starts a `client` flow for a front end such as `@nylas/connect`, and
 *   `POST <path>/exchange` finishes it with the `{ code, state }` that front end received.
 *
 * It is made per module because Nest reads a controller's path from its decorator.
 */
export function createNylasConnectController(path: string): Type<unknown> {
  @Controller(path)
  class NylasConnectController {
    constructor(
      @Inject(NYLAS_CONNECT_OPTIONS) private readonly options: ResolvedNylasConnectOptions,
      private readonly clientFlows: NylasClientFlowService,
    ) {}

    /** Never runs, because the guard has already redirected to Nylas or thrown an error. */
    @Get()
    @NylasFlowStep('start')
    @HttpCode(302)
    @UseGuards(NylasAuthGuard)
    @UseFilters(NylasStartExceptionFilter)
    start(): void {}

    /**
     * Runs after the guard finished the flow, and responds as the flow's stored mode requires. A
     * `popup` flow gets the pop-up page, and a `client` flow the page that hands its code to the
     * opener. A `redirect` flow gets JSON when the client asks for it, or else a redirect.
     */
    @Get('callback')
    @NylasFlowStep('callback')
    @UseGuards(NylasAuthGuard)
    @UseFilters(NylasCallbackExceptionFilter)
    callback(@Req() request: Request, @Res() response: Response): void {
      const outcome = request.user as unknown as NylasConnection | NylasCodeHandoff;
      response.setHeader('Cache-Control', 'no-store');

      if (isCodeHandoff(outcome)) {
        this.sendCodeHandoff(response, outcome);
        return;
      }
      const { grant } = outcome;
      if (rememberedFlowMode(request) === 'popup') {
        sendPopupPage(
          response,
          200,
          {
            message: { type: NYLAS_CONNECT_SUCCESS, grantId: grant.grantId, email: grant.email, provider: grant.provider },
            text: 'The mailbox is connected.',
            returnPath: outcome.returnTo ?? this.options.successRedirect,
          },
          this.options.popupOrigin,
        );
        return;
      }
      if (wantsJson(request)) {
        response.status(200).json({
          grantId: grant.grantId,
          email: grant.email,
          provider: grant.provider,
          scope: grant.scope,
          status: grant.status,
          returnTo: outcome.returnTo,
        });
        return;
      }
      response.redirect(302, outcome.returnTo ?? this.options.successRedirect);
    }

    /**
     * Starts a `client` flow for the signed-in user from a JSON body `{ provider?, loginHint?,
     * returnTo? }` and returns `{ url, state, expiresAt }`. 401 `not_signed_in` without a user.
     */
    @Post('flows')
    @HttpCode(201)
    async createFlow(@Req() request: Request, @Res({ passthrough: true }) response: Response): Promise<StartedFlow> {
      const userId = await requireSignedInUser(request, this.options);
      const params = readClientFlowParams(request);
      const flow = await this.clientFlows.start({ ...params, userId });
      response.setHeader('Cache-Control', 'no-store');
      return flow;
    }

    /**
     * Finishes a `client` flow of the signed-in user from a JSON body `{ code, state }` and
     * returns `{ grantId, email, provider }`. 401 without a user, 403 `flow_user_mismatch` for
     * another user's flow, which is then left untouched.
     */
    @Post('exchange')
    @HttpCode(200)
    async exchange(@Req() request: Request, @Res({ passthrough: true }) response: Response): Promise<CodeExchangeResponse> {
      const userId = await requireSignedInUser(request, this.options);
      const input = readCodeExchangeInput(request);
      const { grant } = await this.clientFlows.exchange(userId, input);
      response.setHeader('Cache-Control', 'no-store');
      return { grantId: grant.grantId, email: grant.email, provider: grant.provider };
    }

    private sendCodeHandoff(response: Response, handoff: NylasCodeHandoff): void {
      sendPopupPage(
        response,
        200,
        {
          message: { type: NYLAS_CONNECT_SUCCESS, code: handoff.code, state: handoff.state },
          text: 'Finish connecting the mailbox in the window that opened this one.',
          returnPath: handoff.returnTo ?? this.options.successRedirect,
        },
        this.options.popupOrigin,
      );
    }
  }
  return NylasConnectController;
}
