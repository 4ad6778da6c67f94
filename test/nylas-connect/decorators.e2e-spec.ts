import {
  Controller,
  Get,
  Module,
  Param,
  Req,
  UseFilters,
  UseGuards,
  type INestApplication,
  type MiddlewareConsumer,
  type NestModule,
} from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { Request } from 'express';
import request from 'supertest';

import {
  InjectNylasClient,
  NYLAS_CONNECT_ENTITIES,
  NYLAS_CONNECT_MIGRATIONS,
  NylasAuthGuard,
  NylasCallbackExceptionFilter,
  NylasConnectModule,
  NylasConnectionResult,
  NylasGrantResolver,
  NylasGrants,
  type NylasAuthenticatedRequest,
  type NylasClient,
  type NylasConnection,
  type NylasGrant,
} from 'nestjs-nylas-connect';
import { NylasEmulator } from 'nylas-emulator';

import { API_KEY, CLIENT_ID, silenceNestLogger, startEmulator } from '../support/connect-test-app.js';
import { pathAndQuery, testUserMiddleware } from '../support/test-user.js';

const HOST_CALLBACK_URI = 'http://app.test/mail/done';

type SignedInRequest = Request & { user?: { id: string } };

/** A host controller that uses every decorator and the API helpers on its own routes. */
@Controller('mail')
class MailboxController {
  constructor(
    private readonly resolver: NylasGrantResolver,
    @InjectNylasClient() private readonly nylas: NylasClient,
  ) {}

  @Get('connect')
  @UseGuards(NylasAuthGuard)
  connect(): void {}

  @Get('done')
  @UseGuards(NylasAuthGuard)
  @UseFilters(NylasCallbackExceptionFilter)
  done(@NylasConnectionResult() connection: NylasConnection, @Req() req: NylasAuthenticatedRequest) {
    return {
      userId: connection.userId,
      grantId: connection.grant.grantId,
      email: connection.result.grantInfo?.email,
      sameAsRequestUser: req.user === connection,
    };
  }

  @Get('unguarded')
  unguarded(@NylasConnectionResult() connection: NylasConnection) {
    return { userId: connection.userId };
  }

  @Get('mailboxes')
  list(@NylasGrants() grants: NylasGrant[]) {
    return grants.map((grant) => ({ grantId: grant.grantId, email: grant.email, userId: grant.userId }));
  }

  @Get('mailboxes/:grantId')
  async show(@Req() req: SignedInRequest, @Param('grantId') grantId: string) {
    const grant = await this.resolver.forUser(req.user?.id ?? '', grantId, { checkWithNylas: true });
    const response = await this.nylas.grants.find({ grantId: grant.grantId });
    return { grantId: response.data.id, email: response.data.email, status: response.data.grantStatus };
  }
}

/** The same list route in a feature module that does not import NylasConnectModule itself. */
@Controller('feature')
class FeatureController {
  @Get('mailboxes')
  list(@NylasGrants() grants: NylasGrant[]) {
    return grants.map((grant) => grant.email);
  }
}

@Module({ controllers: [FeatureController] })
class FeatureModule {}

async function createHostApp(emulator: NylasEmulator): Promise<INestApplication> {
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
        routePath: false,
        isGlobal: true,
        useFactory: () => ({
          clientId: CLIENT_ID,
          apiKey: API_KEY,
          apiUri: emulator.url,
          callbackUri: HOST_CALLBACK_URI,
          jwksUri: emulator.jwksUri,
          idTokenIssuer: emulator.issuer,
          requestTimeoutMs: 2000,
        }),
      }),
      FeatureModule,
    ],
    controllers: [MailboxController],
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

describe('decorators on host routes', () => {
  let emulator: NylasEmulator;
  let app: INestApplication;

  beforeAll(async () => {
    silenceNestLogger();
    emulator = await startEmulator();
    emulator.addClient({ clientId: CLIENT_ID, apiKey: API_KEY, callbackUris: [HOST_CALLBACK_URI] });
  });

  afterAll(async () => {
    await emulator.close();
  });

  beforeEach(async () => {
    emulator.reset();
    app = await createHostApp(emulator);
  });

  afterEach(async () => {
    await app.close();
  });

  /** Starts and finishes a flow on the host routes, and returns the callback response. */
  async function connect(user: string, email: string): Promise<request.Response> {
    const start = await request(app.getHttpServer()).get('/mail/connect').set('x-test-user', user);
    expect(start.status).toBe(302);
    const callbackUrl = await emulator.approve(start.headers.location, { email });
    return request(app.getHttpServer()).get(pathAndQuery(callbackUrl));
  }

  it('NylasConnectionResult gives the callback its connection', async () => {
    const done = await connect('carol', 'carol@example.com');

    expect(done.status).toBe(200);
    expect(done.body).toEqual({ userId: 'carol', grantId: expect.any(String), email: 'carol@example.com', sameAsRequestUser: true });
  });

  it('NylasConnectionResult fails on a route without the guard', async () => {
    const response = await request(app.getHttpServer()).get('/mail/unguarded').set('x-test-user', 'carol');
    expect(response.status).toBe(500);
  });

  it('NylasGrants lists only the signed-in user grants', async () => {
    await connect('carol', 'carol@example.com');
    await connect('carol', 'carol.work@example.com');
    await connect('dave', 'dave@example.com');

    const carol = await request(app.getHttpServer()).get('/mail/mailboxes').set('x-test-user', 'carol');
    expect(carol.status).toBe(200);
    expect(carol.body.map((grant: { email: string }) => grant.email).sort()).toEqual(['carol.work@example.com', 'carol@example.com']);
    expect(carol.body.every((grant: { userId: string }) => grant.userId === 'carol')).toBe(true);

    const erin = await request(app.getHttpServer()).get('/mail/mailboxes').set('x-test-user', 'erin');
    expect(erin.body).toEqual([]);
  });

  it('NylasGrants answers 401 not_signed_in without a user', async () => {
    const response = await request(app.getHttpServer()).get('/mail/mailboxes');
    expect(response.status).toBe(401);
    expect(response.body).toEqual({ statusCode: 401, error: 'not_signed_in', message: expect.any(String) });
  });

  it('NylasGrants works in a feature module of a global NylasConnectModule', async () => {
    await connect('carol', 'carol@example.com');

    const response = await request(app.getHttpServer()).get('/feature/mailboxes').set('x-test-user', 'carol');
    expect(response.status).toBe(200);
    expect(response.body).toEqual(['carol@example.com']);
  });

  it('resolver and client serve a host API route', async () => {
    const done = await connect('carol', 'carol@example.com');
    const grantId = done.body.grantId as string;

    const own = await request(app.getHttpServer()).get(`/mail/mailboxes/${grantId}`).set('x-test-user', 'carol');
    expect(own.status).toBe(200);
    expect(own.body).toEqual({ grantId, email: 'carol@example.com', status: 'valid' });

    const other = await request(app.getHttpServer()).get(`/mail/mailboxes/${grantId}`).set('x-test-user', 'dave');
    expect(other.status).toBe(404);
    expect(other.body.error).toBe('grant_not_found');

    emulator.invalidateGrant(grantId);
    const expired = await request(app.getHttpServer()).get(`/mail/mailboxes/${grantId}`).set('x-test-user', 'carol');
    expect(expired.status).toBe(409);
    expect(expired.body).toEqual({ statusCode: 409, error: 'grant_invalid', message: expect.any(String) });
  });
});
