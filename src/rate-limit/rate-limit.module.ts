import { Module, type DynamicModule } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ThrottlerModule } from '@nestjs/throttler';

import type { DemoConfig } from '../config/demo-config.js';
import { NylasRouteThrottlerGuard } from './nylas-route-throttler.guard.js';

/**
 * Limits requests to the Nylas routes with @nestjs/throttler, as `DemoConfig.rateLimit` sets. The
 * throttler keeps the name `default`, so a 429 carries the standard `Retry-After` header (in
 * seconds). @nestjs/throttler appends any other name to its header names, as in `Retry-After-nylas`.
 */
@Module({})
export class RateLimitModule {
  static forRoot(rateLimit: DemoConfig['rateLimit']): DynamicModule {
    if (!rateLimit) return { module: RateLimitModule };
    return {
      module: RateLimitModule,
      imports: [ThrottlerModule.forRoot([{ ttl: rateLimit.windowMs, limit: rateLimit.limit }])],
      providers: [{ provide: APP_GUARD, useClass: NylasRouteThrottlerGuard }],
    };
  }
}
