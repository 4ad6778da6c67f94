import { NestFactory } from '@nestjs/core';

import { AppModule } from './app.module.js';

/** Listens on 127.0.0.1 and a free port, and prints the port for the test that started it. */
async function bootstrap(): Promise<void> {
  const app = await NestFactory.create(AppModule, { logger: ['error', 'warn'] });
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address() as { port: number };
  console.log(`HOST_LISTENING ${address.port}`);
}

void bootstrap();
