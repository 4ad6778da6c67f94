import { Controller, Get, Module, Req, UseFilters, UseGuards, type INestApplication, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { Request } from 'express';
import request from 'supertest';

import {
  NYLAS_CONNECT_ENTITIES,
  NYLAS_CONNECT_MIGRATIONS,
  NylasAuthGuard,
  NylasCallbackExceptionFilter,
  NylasConnectModule,
  NylasGrantRepository,
  type NylasConnection,
  type NylasConnectOptions,
} from 'nestjs-nylas-connect';
import { NylasEmulator } from 'nylas-emulator';

import { API_KEY, CALLBACK_URI, CLIENT_ID, silenceNestLogger, startEmulator } from '../support/connect-test-app.js';
import { pathAndQuery, testUserMiddleware } from '../support/test-user.js';

/** A host controller that puts the guard on its own routes, as an app with `routePath: false` does. */
@Controller('mail')
class HostMailController {
  @Get('connect')
  @UseGuards(NylasAuthGuard)
  connect(): void {}

  @Get('done')
  @UseGuards(NylasAuthGuard)
  @UseFilters(NylasCallbackExceptionFilter)
  done(@Req() req: Request): { userId: string; grantId: string; email: string } {
    const connection = req.user as unknown as NylasConnection;
    return { userId: connection.userId, grantId: connection.grant.grantId, email: connection.grant.email };
  }
}

const HOST_CALLBACK_URI = 'http://app.test/mail/done';

async function createHostApp(emulator: NylasEmulator, routePath: string | false, overrides: Partial<NylasConnectOptions> = {}): Promise<INestApplication> {
  @Module({
    imports: [
      TypeOrmModule.forRoot({
        type: 'better-sqlite3',
        database: ':memory:',
        entities: NYLAS_CONNECT_ENTITIES,
        migrations: NYLAS_CONNECT_MIGRATIONS,
        migrationsRun: true,
      }),
      NylasConnectModule.forRootAsync({
        routePath,
        useFactory: () => ({
          clientId: CLIENT_ID,
          apiKey: API_KEY,
          apiUri: emulator.url,
          callbackUri: routePath === false ? HOST_CALLBACK_URI : CALLBACK_URI,
          jwksUri: emulator.jwksUri,
          idTokenIssuer: emulator.issuer,
          successRedirect: '/connected',
          failureRedirect: '/failed?tab=mail',
          ...overrides,
        }),
      }),
    ],
    controllers: routePath === false ? [HostMailController] : [],
  })
  class HostModule implements NestModule {
    configure(consumer: MiddlewareConsumer): void {
      consumer.apply(testUserMiddleware).forRoutes('*path');
    }
  }

  const moduleRef = await Test.createTestingModule({ imports: [HostModule] }).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  await app.init();
  return app;
}

describe('NylasAuthGuard over HTTP', () => {
  let emulator: NylasEmulator;

  beforeAll(async () => {
    silenceNestLogger();
    emulator = await startEmulator();
    emulator.addClient({ clientId: CLIENT_ID, apiKey: API_KEY, callbackUris: [CALLBACK_URI, HOST_CALLBACK_URI] });
  });

  afterAll(async () => {
    await emulator.close();
  });

  describe('built-in controller', () => {
    let app: INestApplication;

    beforeEach(async () => {
      emulator.reset();
      app = await createHostApp(emulator, 'auth/nylas');
    });

    afterEach(async () => {
      await app.close();
    });

    it('redirects a signed-in start to Nylas', async () => {
      const response = await request(app.getHttpServer()).get('/auth/nylas?provider=google&returnTo=/inbox').set('x-test-user', 'alice');
      expect(response.status).toBe(302);
      expect(response.headers.location).toMatch(new RegExp(`^${emulator.url}/v3/connect/auth\\?`));
    });

    it('answers 401 with a stable code when signed out', async () => {
      const response = await request(app.getHttpServer()).get('/auth/nylas');
      expect(response.status).toBe(401);
      expect(response.body).toEqual({ statusCode: 401, error: 'not_signed_in', message: expect.any(String) });
    });

    it('rejects an off-site returnTo at the start', async () => {
      const response = await request(app.getHttpServer()).get('/auth/nylas?returnTo=//evil.example').set('x-test-user', 'alice');
      expect(response.status).toBe(400);
      expect(response.body.error).toBe('invalid_return_to');
    });

    it('finishes a flow and redirects to returnTo', async () => {
      const start = await request(app.getHttpServer()).get('/auth/nylas?returnTo=/inbox').set('x-test-user', 'alice');
      const callbackUrl = await emulator.approve(start.headers.location, { email: 'alice@example.com' });

      const response = await request(app.getHttpServer()).get(pathAndQuery(callbackUrl));
      expect(response.status).toBe(302);
      expect(response.headers.location).toBe('/inbox');
      expect(response.headers['cache-control']).toBe('no-store');
    });

    it('answers JSON without tokens when the client asks for it', async () => {
      const start = await request(app.getHttpServer()).get('/auth/nylas').set('x-test-user', 'alice');
      const callbackUrl = await emulator.approve(start.headers.location, { email: 'alice@example.com' });

      const response = await request(app.getHttpServer()).get(pathAndQuery(callbackUrl)).set('accept', 'application/json');
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ email: 'alice@example.com', status: 'valid' });
      expect(JSON.stringify(response.body)).not.toMatch(/token/i);
    });

    it('redirects a failed callback to failureRedirect with the code', async () => {
      const response = await request(app.getHttpServer()).get('/auth/nylas/callback?code=abc&state=unknown');
      expect(response.status).toBe(302);
      expect(response.headers.location).toBe('/failed?tab=mail&nylas_error=state_not_found');
    });

    it('answers a failed callback as JSON for JSON clients', async () => {
      const response = await request(app.getHttpServer())
        .get('/auth/nylas/callback?error=access_denied&error_description=User+said+no')
        .set('accept', 'application/json');
      expect(response.status).toBe(403);
      expect(response.body).toEqual({ statusCode: 403, error: 'access_denied', message: expect.any(String) });
      expect(response.text).not.toContain('User said no');
    });

    it('callback by another user is rejected', async () => {
      const start = await request(app.getHttpServer()).get('/auth/nylas').set('x-test-user', 'mallory');
      // Mallory sends her authorization URL to Alice, who consents with her own mailbox.
      const callbackUrl = await emulator.approve(start.headers.location, { email: 'alice@example.com' });

      const asAlice = await request(app.getHttpServer()).get(pathAndQuery(callbackUrl)).set('x-test-user', 'alice').set('accept', 'application/json');
      expect(asAlice.status).toBe(403);
      expect(asAlice.body.error).toBe('flow_user_mismatch');
      expect(emulator.stats().tokenExchanges.authorizationCode).toBe(0);

      const asMallory = await request(app.getHttpServer()).get(pathAndQuery(callbackUrl)).set('x-test-user', 'mallory').set('accept', 'application/json');
      expect(asMallory.status).toBe(200);
    });

    it('refuses callback parameters on the start route', async () => {
      const response = await request(app.getHttpServer()).get('/auth/nylas?code=abc&state=xyz').set('x-test-user', 'alice');
      expect(response.status).toBe(400);
      expect(response.body.error).toBe('unexpected_callback_parameters');
      expect(emulator.stats().tokenExchanges.authorizationCode).toBe(0);
    });

    it.each(['/AUTH/NYLAS/CALLBACK', '/auth/nylas/callback/'])('treats %s as the callback route, never a start', async (path) => {
      const response = await request(app.getHttpServer()).get(path).set('x-test-user', 'alice').set('accept', 'application/json');
      expect(response.status).toBe(400);
      expect(response.body.error).toBe('missing_callback_parameters');
    });

    it('sends the configured callbackUri whatever the forwarded headers say', async () => {
      const start = await request(app.getHttpServer()).get('/auth/nylas').set('x-test-user', 'alice');
      const callbackUrl = await emulator.approve(start.headers.location, { email: 'alice@example.com' });

      const response = await request(app.getHttpServer())
        .get(pathAndQuery(callbackUrl))
        .set('host', 'other.example')
        .set('x-forwarded-proto', 'http')
        .set('x-forwarded-host', 'evil.example')
        .set('accept', 'application/json');
      // The emulator only exchanges a code for the byte-identical redirect_uri it was issued for.
      expect(response.status).toBe(200);
      expect(emulator.stats().tokenExchanges.authorizationCode).toBe(1);
    });
  });

  describe('requireSignedInCallback', () => {
    it('rejects a callback with nobody signed in', async () => {
      const app = await createHostApp(emulator, 'auth/nylas', { requireSignedInCallback: true });
      try {
        const start = await request(app.getHttpServer()).get('/auth/nylas').set('x-test-user', 'alice');
        const callbackUrl = await emulator.approve(start.headers.location, { email: 'alice@example.com' });

        const anonymous = await request(app.getHttpServer()).get(pathAndQuery(callbackUrl)).set('accept', 'application/json');
        expect(anonymous.status).toBe(401);
        expect(anonymous.body.error).toBe('not_signed_in');

        const owner = await request(app.getHttpServer()).get(pathAndQuery(callbackUrl)).set('x-test-user', 'alice').set('accept', 'application/json');
        expect(owner.status).toBe(200);
      } finally {
        await app.close();
      }
    });
  });

  describe('host routes with routePath: false', () => {
    it('host controller routes set req.user', async () => {
      const app = await createHostApp(emulator, false);
      try {
        const builtIn = await request(app.getHttpServer()).get('/auth/nylas').set('x-test-user', 'alice');
        expect(builtIn.status).toBe(404);

        const start = await request(app.getHttpServer()).get('/mail/connect').set('x-test-user', 'carol');
        expect(start.status).toBe(302);
        const callbackUrl = await emulator.approve(start.headers.location, { email: 'carol@example.com' });
        expect(callbackUrl.startsWith(HOST_CALLBACK_URI)).toBe(true);

        const done = await request(app.getHttpServer()).get(pathAndQuery(callbackUrl));
        expect(done.status).toBe(200);
        expect(done.body).toMatchObject({ userId: 'carol', email: 'carol@example.com' });
      } finally {
        await app.close();
      }
    });
  });

  it('keeps two apps in one process apart', async () => {
    const appA = await createHostApp(emulator, 'auth/nylas');
    const appB = await createHostApp(emulator, 'auth/nylas');
    try {
      // App B registered its strategy with Passport last, yet app A's requests must use app A's
      // database: after B closes, A still starts and finishes flows, and the grant is in A.
      await appB.close();
      const start = await request(appA.getHttpServer()).get('/auth/nylas').set('x-test-user', 'alice');
      expect(start.status).toBe(302);
      const callbackUrl = await emulator.approve(start.headers.location, { email: 'alice@example.com' });

      const response = await request(appA.getHttpServer()).get(pathAndQuery(callbackUrl)).set('accept', 'application/json');
      expect(response.status).toBe(200);
      expect(await appA.get(NylasGrantRepository).findForUser('alice')).toHaveLength(1);
    } finally {
      await appA.close();
    }
  });
});
