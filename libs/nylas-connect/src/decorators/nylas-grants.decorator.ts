import { createParamDecorator, Inject, Injectable, type ExecutionContext, type PipeTransform } from '@nestjs/common';
import type { Request } from 'express';

import type { NylasGrant } from '../entities/nylas-grant.entity.js';
import { NotSignedInError } from '../errors/start.errors.js';
import { StorageUnavailableError } from '../errors/storage.errors.js';
import { NYLAS_CONNECT_OPTIONS } from '../nylas-connect.constants.js';
import type { ResolvedNylasConnectOptions } from '../resolved-options.js';
import { NylasGrantRepository } from '../storage/nylas-grant.repository.js';

/**
 * Loads the grants of the request's user. Nest creates it in the module of the controller that
 * uses `@NylasGrants()`, so that module must import `NylasConnectModule` (or it must be global),
 * as for `NylasAuthGuard`.
 */
@Injectable()
export class NylasGrantsPipe implements PipeTransform<Request, Promise<NylasGrant[]>> {
  constructor(
    @Inject(NYLAS_CONNECT_OPTIONS) private readonly options: ResolvedNylasConnectOptions,
    private readonly grants: NylasGrantRepository,
  ) {}

  async transform(request: Request): Promise<NylasGrant[]> {
    const userId = await this.options.resolveUserId(request);
    if (typeof userId !== 'string' || userId === '') throw new NotSignedInError();
    try {
      return await this.grants.findForUser(userId);
    } catch (error) {
      throw new StorageUnavailableError('reading the grants', { cause: error });
    }
  }
}

const CurrentRequest = createParamDecorator((_data: unknown, context: ExecutionContext): Request => context.switchToHttp().getRequest<Request>());

/**
 * Gives a handler the linked grants of the signed-in user, oldest first:
 * `list(@NylasGrants() grants: NylasGrant[])`. The user id comes from the module's
 * `resolveUserId(request)`; when it returns none, the request fails with 401 `not_signed_in`.
 * On a callback route `request.user` is the `NylasConnection`, so the default `resolveUserId`
 * finds no user there.
 */
export const NylasGrants = (): ParameterDecorator => CurrentRequest(undefined, NylasGrantsPipe);
