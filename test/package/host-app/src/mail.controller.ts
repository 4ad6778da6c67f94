import { Controller, Get, Param, Req, UseFilters, UseGuards } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  InjectNylasClient,
  NotSignedInError,
  NylasAuthGuard,
  NylasCallbackExceptionFilter,
  NylasConnectionResult,
  NylasGrantResolver,
  NylasGrants,
  type NylasAuthenticatedRequest,
  type NylasClient,
  type NylasConnection,
  type NylasGrant,
} from 'nestjs-nylas-connect';
import { DataSource } from 'typeorm';

import { HostUser } from './host-user.entity.js';
import type { HostRequest } from './sign-in.middleware.js';

/** The host's own routes: start and callback behind the library's guard, and two API routes. */
@Controller('mail')
export class MailController {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly resolver: NylasGrantResolver,
    @InjectNylasClient() private readonly nylas: NylasClient,
  ) {}

  @Get('connect')
  @UseGuards(NylasAuthGuard)
  connect(): void {}

  @Get('done')
  @UseGuards(NylasAuthGuard)
  @UseFilters(NylasCallbackExceptionFilter)
  async done(@NylasConnectionResult() connection: NylasConnection, @Req() req: NylasAuthenticatedRequest) {
    const user = await this.dataSource.getRepository(HostUser).findOneByOrFail({ id: Number(connection.userId) });
    return {
      user: { id: user.id, name: user.name },
      grant: { grantId: connection.grant.grantId, email: connection.grant.email, status: connection.grant.status },
      requestUserIsConnection: req.user === connection,
    };
  }

  @Get('mailboxes')
  list(@NylasGrants() grants: NylasGrant[]) {
    return grants.map((grant) => ({ grantId: grant.grantId, email: grant.email }));
  }

  /** Reads the grant from Nylas with the SDK, after checking that it is the user's and still valid. */
  @Get('mailboxes/:grantId')
  async show(@Req() req: HostRequest, @Param('grantId') grantId: string) {
    if (!req.user) throw new NotSignedInError();
    const grant = await this.resolver.forUser(String(req.user.id), grantId, { checkWithNylas: true });
    const response = await this.nylas.grants.find({ grantId: grant.grantId });
    return { grantId: response.data.id, email: response.data.email, grantStatus: response.data.grantStatus };
  }
}
