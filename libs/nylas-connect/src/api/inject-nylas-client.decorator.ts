import { Inject } from '@nestjs/common';

import { NYLAS_CLIENT } from './nylas-client.constants.js';

/** Injects the module's Nylas SDK client: `constructor(@InjectNylasClient() private readonly nylas: NylasClient)`. */
export const InjectNylasClient = (): PropertyDecorator & ParameterDecorator => Inject(NYLAS_CLIENT);
