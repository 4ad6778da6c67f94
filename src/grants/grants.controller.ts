import { Controller, Delete, Get, Header, HttpCode, Logger, Param, UseGuards } from '@nestjs/common';
import { GrantNotFoundError, NylasGrantRepository } from 'nestjs-nylas-connect';

import { CurrentUser } from '../session/current-user.decorator.js';
import type { DemoUser } from '../session/demo-user.js';
import { SignedInGuard } from '../session/signed-in.guard.js';
import { toGrantView, type GrantView } from './grant-view.js';

/** The signed-in user's linked mailboxes. Every query is scoped to that user. */
@Controller('api/grants')
@UseGuards(SignedInGuard)
export class GrantsController {
  private readonly logger = new Logger('Grants');

  constructor(private readonly grants: NylasGrantRepository) {}

  @Get()
  @Header('Cache-Control', 'no-store')
  async list(@CurrentUser() user: DemoUser): Promise<GrantView[]> {
    const grants = await this.grants.findForUser(user.id);
    return grants.map(toGrantView);
  }

  /**
   * Unlinks one of the user's grants. Another user's grant gets 404 like an unknown one, so the
   * response does not reveal which grant ids exist.
   * NOTE: this removes only the link in this app; the grant stays valid at Nylas.
   */
  @Delete(':grantId')
  @HttpCode(204)
  async unlink(@CurrentUser() user: DemoUser, @Param('grantId') grantId: string): Promise<void> {
    const removed = await this.grants.unlinkForUser(user.id, grantId);
    if (!removed) throw new GrantNotFoundError(grantId);
    this.logger.log(`User ${user.id} unlinked grant ${grantId}`);
  }
}
