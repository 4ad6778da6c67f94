import { ConfigurableModuleBuilder } from '@nestjs/common';

import type { NylasConnectModuleExtras, NylasConnectOptions } from './nylas-connect.options.js';

export const DEFAULT_ROUTE_PATH = 'auth/nylas';

export const {
  ConfigurableModuleClass: NylasConnectConfigurableModule,
  MODULE_OPTIONS_TOKEN: NYLAS_CONNECT_MODULE_OPTIONS,
  OPTIONS_TYPE: NYLAS_CONNECT_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: NYLAS_CONNECT_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<NylasConnectOptions>({ moduleName: 'NylasConnect' })
  .setClassMethodName('forRoot')
  .setExtras<NylasConnectModuleExtras>({ isGlobal: false, routePath: DEFAULT_ROUTE_PATH, webhookPath: false }, (definition, extras) => ({
    ...definition,
    global: extras.isGlobal,
  }))
  .build();
