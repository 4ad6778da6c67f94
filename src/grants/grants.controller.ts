import { Controller, Delete, Get, Header, HttpCode, Logger, Param, UseGuards } from '@nestjs/common';
import { describeError, GrantNotFoundError, NylasConnectService, NylasGrantRepository, StorageUnavailableError, type NylasGrant } from 'nestjs-nylas-connect';

import { CurrentUser } from '../session/current-user.decorator.js';
import type { DemoUser } from '../session/demo-user.js';
import { SignedInGuard } from '../session/signed-in.guard.js';
import { toGrantView, type GrantView } from './grant-view.js';

/** The signed-in user's linked mailboxes. Every query is scoped to that user. */
@Controller('api/grants')
@UseGuards(SignedInGuard)
export class GrantsController {
  private readonly logger = new Logger('Grants');

  constructor(
    private readonly grants: NylasGrantRepository,
    private readonly connect: NylasConnectService,
  ) {}

  /** Lists the user's grants. A database failure becomes 503 `storage_unavailable`. */
  @Get()
  @Header('Cache-Control', 'no-store')
  async list(@CurrentUser() user: DemoUser): Promise<GrantView[]> {
    let grants: NylasGrant[];
    try {
      grants = await this.grants.findForUser(user.id);
    } catch (error) {
      this.logger.error(`Listing the grants of user ${user.id} failed: ${describeError(error)}`);
      throw new StorageUnavailableError('reading the grants', { cause: error });
    }
    return grants.map(toGrantView);
  }

  /**
   * Disconnects one of the user's grants: revokes its stored token at Nylas, then removes the
   * link. Another user's grant gets 404 like an unknown one, so the response does not reveal
   * which grant ids exist. The grant itself stays at Nylas (no `deleteGrant`), because other
   * apps of the same Nylas application may use it.
   */
  @Delete(':grantId')
  @HttpCode(204)
  async unlink(@CurrentUser() user: DemoUser, @Param('grantId') grantId: string): Promise<void> {
    const result = await this.connect.disconnect(user.id, grantId);
    if (!result.unlinked) throw new GrantNotFoundError(grantId);
    this.logger.log(`User ${user.id} disconnected grant ${grantId}`);
  }
}
