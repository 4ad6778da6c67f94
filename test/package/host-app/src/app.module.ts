import { Module, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { NYLAS_CONNECT_ENTITIES, NYLAS_CONNECT_MIGRATIONS, NylasConnectModule } from 'nestjs-nylas-connect';

import { CreateHostUsers1700000000000 } from './create-host-users.migration.js';
import { HostUser } from './host-user.entity.js';
import { MailController } from './mail.controller.js';
import { SignInMiddleware, type HostRequest } from './sign-in.middleware.js';

function requireEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`The host app needs the ${name} environment variable.`);
  return value;
}

@Module({
  imports: [
    TypeOrmModule.forRoot({
      type: 'better-sqlite3',
      database: requireEnv('HOST_DATABASE'),
      entities: [HostUser, ...NYLAS_CONNECT_ENTITIES],
      migrations: [CreateHostUsers1700000000000, ...NYLAS_CONNECT_MIGRATIONS],
      migrationsRun: true,
    }),
    NylasConnectModule.forRootAsync({
      routePath: false,
      useFactory: () => ({
        clientId: requireEnv('NYLAS_CLIENT_ID'),
        apiKey: requireEnv('NYLAS_API_KEY'),
        apiUri: requireEnv('NYLAS_API_URI'),
        callbackUri: requireEnv('NYLAS_CALLBACK_URI'),
        jwksUri: requireEnv('NYLAS_JWKS_URI'),
        idTokenIssuer: requireEnv('NYLAS_ID_TOKEN_ISSUER'),
        requestTimeoutMs: 5000,
        failureRedirect: '/mail/failed',
        // The host's user ids are numbers; the library stores user ids as strings.
        resolveUserId: (req) => {
          const user = (req as HostRequest).user;
          return user ? String(user.id) : undefined;
        },
      }),
    }),
  ],
  controllers: [MailController],
})
export class AppModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(SignInMiddleware).forRoutes(MailController);
  }
}
