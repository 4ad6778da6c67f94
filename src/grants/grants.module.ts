import { Module } from '@nestjs/common';

import { SessionModule } from '../session/session.module.js';
import { GrantsController } from './grants.controller.js';

/** `GET /api/grants` and `DELETE /api/grants/:grantId`; `NylasGrantRepository` comes from the global NylasConnectModule. */
@Module({
  imports: [SessionModule],
  controllers: [GrantsController],
})
export class GrantsModule {}
