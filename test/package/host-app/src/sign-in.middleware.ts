import { Injectable, type NestMiddleware } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { NextFunction, Request, Response } from 'express';
import { DataSource } from 'typeorm';

import { HostUser } from './host-user.entity.js';

/** A request after the host's sign-in: `user` is the host's own user, or absent. */
export type HostRequest = Request & { user?: HostUser };

/**
 * Stands in for the host's real authentication: the `x-host-user` header names the user, who is
 * created on first sight. The callback from Nylas comes without it, as a browser redirect would.
 */
@Injectable()
export class SignInMiddleware implements NestMiddleware {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async use(req: HostRequest, _res: Response, next: NextFunction): Promise<void> {
    const name = req.header('x-host-user');
    if (name) {
      const users = this.dataSource.getRepository(HostUser);
      req.user = (await users.findOneBy({ name })) ?? (await users.save(users.create({ name })));
    }
    next();
  }
}
