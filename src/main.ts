import 'reflect-metadata';

import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';

import { prepareDemoApp } from './app-setup.js';
import { createAppModule, WEBHOOK_PATH } from './app.module.js';
import { DemoConfigError, loadDemoConfig, type DemoConfig } from './config/demo-config.js';
import { describeDatabase } from './database/database-options.js';
import { registerLocalWebhook } from './nylas/local-emulator.js';
import { NYLAS_ENDPOINT } from './nylas/nylas-endpoint.js';
import { RateLimitModule } from './rate-limit/rate-limit.module.js';

const logger = new Logger('Demo');

/** Path of the library's callback route, as registered by NylasConnectModule with its default routePath. */
const CALLBACK_ROUTE = '/auth/nylas/callback';

/** Logs the settings that are valid but probably not what the user intended. */
function warnAboutConfig(config: DemoConfig): void {
  const callbackPath = new URL(config.nylas.callbackUri).pathname;
  if (callbackPath !== CALLBACK_ROUTE) {
    logger.warn(
      `NYLAS_CALLBACK_URI ends in ${callbackPath}, but the demo serves the callback at ${CALLBACK_ROUTE}. ` +
        'Unless a proxy rewrites the path, Nylas will redirect to a missing page.',
    );
  }
  if (config.session.secretGenerated) {
    logger.warn('SESSION_SECRET is not set, so a random one was made: sessions will not survive a restart or work across instances.');
  }
}

async function bootstrap(config: DemoConfig): Promise<void> {
  warnAboutConfig(config);

  const app = await NestFactory.create(createAppModule(config, { imports: [RateLimitModule.forRoot(config.rateLimit)] }));
  prepareDemoApp(app, config);
  // SIGINT and SIGTERM close the HTTP server, the database and the local emulator before exit.
  app.enableShutdownHooks();
  try {
    await app.listen(config.port, config.host);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    logger.error(`Port ${config.port} on ${config.host} is already in use. Stop the other server or set PORT to a free port.`);
    await app.close();
    process.exitCode = 1;
    return;
  }

  if (config.webhookSecret) {
    const listeningHost = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
    const webhookUrl = new URL(WEBHOOK_PATH, `http://${listeningHost.includes(':') ? `[${listeningHost}]` : listeningHost}:${config.port}`);
    await registerLocalWebhook(app.get(NYLAS_ENDPOINT), webhookUrl.toString(), config.webhookSecret);
  }

  const shownHost = config.host === '127.0.0.1' || config.host === '::1' ? 'localhost' : config.host;
  logger.log(`Demo listening on http://${shownHost}:${config.port} (database: ${describeDatabase(config.databaseUrl)})`);
}

function loadConfigOrExit(): DemoConfig {
  try {
    return loadDemoConfig();
  } catch (error) {
    if (!(error instanceof DemoConfigError)) throw error;
    logger.error(error.message);
    process.exit(1);
  }
}

await bootstrap(loadConfigOrExit());
