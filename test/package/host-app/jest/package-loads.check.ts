/**
 * The host's own Jest suite: Jest's CommonJS runtime cannot `require()` an ES module on Node 20,
 * so the host's jest.config.js transforms the library and its ESM-only dependencies.
 */
import { HttpException } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { TypeOrmModule } from '@nestjs/typeorm';
import {
  NYLAS_CLIENT,
  NYLAS_CONNECT_ENTITIES,
  NYLAS_CONNECT_MIGRATIONS,
  NotSignedInError,
  NylasConnectModule,
  NylasConnectService,
  type NylasClient,
} from 'nestjs-nylas-connect';

test('module starts inside Jest', async () => {
  const moduleRef = await Test.createTestingModule({
    imports: [
      TypeOrmModule.forRoot({
        type: 'better-sqlite3',
        database: ':memory:',
        entities: NYLAS_CONNECT_ENTITIES,
        migrations: NYLAS_CONNECT_MIGRATIONS,
        migrationsRun: true,
      }),
      NylasConnectModule.forRoot({ clientId: 'jest-client', apiKey: 'jest-api-key', callbackUri: 'http://host.test/mail/done', routePath: false }),
    ],
  }).compile();

  try {
    const url = new URL(await moduleRef.get(NylasConnectService).getAuthUrl({ userId: '1' }));
    expect(url.pathname).toBe('/v3/connect/auth');
    expect(typeof moduleRef.get<NylasClient>(NYLAS_CLIENT).grants.find).toBe('function');
    // One copy of @nestjs/common serves the host and the library, so Nest sends these errors with their own status.
    expect(new NotSignedInError()).toBeInstanceOf(HttpException);
  } finally {
    await moduleRef.close();
  }
});
