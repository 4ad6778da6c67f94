import { Module } from '@nestjs/common';

import type { DemoConfig } from '../config/demo-config.js';
import { DEMO_CONFIG } from '../config/demo-config.module.js';
import { resolveNylasEndpoint } from './local-emulator.js';
import { NYLAS_ENDPOINT } from './nylas-endpoint.js';

/** Provides the `NylasEndpoint`, starting the local emulator first when the config selects it. */
@Module({
  providers: [
    {
      provide: NYLAS_ENDPOINT,
      inject: [DEMO_CONFIG],
      useFactory: (config: DemoConfig) => resolveNylasEndpoint(config.nylas),
    },
  ],
  exports: [NYLAS_ENDPOINT],
})
export class NylasEndpointModule {}
