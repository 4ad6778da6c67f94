import { Module, type DynamicModule } from '@nestjs/common';

import type { DemoConfig } from './demo-config.js';

/** Injection token of the app's `DemoConfig`. */
export const DEMO_CONFIG = Symbol('DEMO_CONFIG');

/** Provides the `DemoConfig` the app was built with to every module. */
@Module({})
export class DemoConfigModule {
  static forRoot(config: DemoConfig): DynamicModule {
    return {
      module: DemoConfigModule,
      global: true,
      providers: [{ provide: DEMO_CONFIG, useValue: config }],
      exports: [DEMO_CONFIG],
    };
  }
}
