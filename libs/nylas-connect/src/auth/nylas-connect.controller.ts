import { Controller, Get, HttpCode, Inject, Req, Res, UseFilters, UseGuards, type Type } from '@nestjs/common';
import type { Request, Response } from 'express';

import { NYLAS_CONNECT_OPTIONS } from '../nylas-connect.constants.js';
import type { NylasConnection } from '../nylas-connection.js';
import type { ResolvedNylasConnectOptions } from '../resolved-options.js';
import { NylasAuthGuard } from './nylas-auth.guard.js';
import { NylasCallbackExceptionFilter, wantsJson } from './nylas-callback-exception.filter.js';

/**
 * Creates the built-in controller at `path`: `GET <path>` starts a flow and `GET <path>/callback`
 * finishes it. It is made per module because Nest reads a controller's path from its decorator.
 */
export function createNylasConnectController(path: string): Type<unknown> {
  @Controller(path)
  @UseGuards(NylasAuthGuard)
  class NylasConnectController {
    constructor(@Inject(NYLAS_CONNECT_OPTIONS) private readonly options: ResolvedNylasConnectOptions) {}

    /** Never runs, because the guard has already redirected to Nylas or thrown an error. */
    @Get()
    @HttpCode(302)
    start(): void {}

    /** Runs after the guard finished the flow. Responds with JSON or redirects to the return path. */
    @Get('callback')
    @UseFilters(NylasCallbackExceptionFilter)
    callback(@Req() request: Request, @Res() response: Response): void {
      const connection = request.user as unknown as NylasConnection;
      response.setHeader('Cache-Control', 'no-store');

      if (wantsJson(request)) {
        const { grant } = connection;
        response.status(200).json({
          grantId: grant.grantId,
          email: grant.email,
          provider: grant.provider,
          scope: grant.scope,
          status: grant.status,
          returnTo: connection.returnTo,
        });
        return;
      }
      response.redirect(302, connection.returnTo ?? this.options.successRedirect);
    }
  }
  return NylasConnectController;
}
