import 'reflect-metadata';

import type { AddressInfo } from 'node:net';

import { BadGatewayException, BadRequestException, Controller, Get, Inject, Module, Query, Redirect, type DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';

import { FloorFlows, type RunningServer } from './floor-server.js';
import type { ServerOptions } from './server-messages.js';

/** Nest's `@Redirect()` status; the URL comes from each handler's return value. */
const FOUND = 302;

@Controller('auth/nylas')
class NestFloorController {
  constructor(@Inject(FloorFlows) private readonly flows: FloorFlows) {}

  @Get()
  @Redirect(undefined, FOUND)
  start(): { url: string } {
    return { url: this.flows.start() };
  }

  @Get('callback')
  @Redirect(undefined, FOUND)
  async callback(@Query('state') state: unknown, @Query('code') code: unknown): Promise<{ url: string }> {
    const outcome = await this.flows.finish(typeof state === 'string' ? state : '', typeof code === 'string' ? code : '');
    if (outcome === 'unknown-state') throw new BadRequestException(outcome);
    if (outcome === 'exchange-failed') throw new BadGatewayException(outcome);
    return { url: '/' };
  }
}

@Module({})
class NestFloorModule {
  static forFlows(flows: FloorFlows): DynamicModule {
    return { module: NestFloorModule, controllers: [NestFloorController], providers: [{ provide: FloorFlows, useValue: flows }] };
  }
}

/**
 * Starts the Nest floor: the floor's two routes, with the same `FloorFlows`, in the smallest Nest
 * app on Express that serves them. Set beside the bare floor, it shows what Nest and Express
 * alone cost per flow, before any library, session, Passport or database.
 */
export async function startNestFloorServer(options: ServerOptions): Promise<RunningServer> {
  const app = await NestFactory.create(NestFloorModule.forFlows(new FloorFlows(options)), { logger: ['error', 'warn'], abortOnError: false });
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => app.close() };
}
