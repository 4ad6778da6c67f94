import { Controller, Get, HttpException, MethodNotAllowedException, Module, Res, BadRequestException } from '@nestjs/common';
import type { Response } from 'express';
import { GrantNotFoundError } from 'nestjs-nylas-connect';
import { NylasEmulator } from 'nylas-emulator';
import request from 'supertest';
import { DataSource } from 'typeorm';

import { WEBHOOK_PATH } from '../../src/app.module.js';
import { CapturingLogger } from '../hostile/log-capture.js';
import { BROWSER_ACCEPT, connectMailbox, emulatorBackedConfig, EMULATOR_CLIENT, signIn, startDemoApp, type DemoTestApp } from './demo-test-app.js';

/** Routes that fail in the ways the demo's own code could, mounted only in this suite. */
@Controller('test-errors')
class FailingController {
  @Get('type-error')
  typeError(): never {
    throw new TypeError('message that must not be logged');
  }

  @Get('method-not-allowed')
  methodNotAllowed(): never {
    throw new MethodNotAllowedException();
  }

  @Get('bad-request')
  badRequest(): never {
    throw new BadRequestException('The limit parameter must be a number.');
  }

  @Get('teapot')
  teapot(): never {
    throw new HttpException({ detail: 'no message field' }, 418);
  }

  @Get('stable-code')
  stableCode(): never {
    throw new HttpException({ statusCode: 409, error: 'custom_conflict', message: 'Already done.' }, 409);
  }

  /** Throws as @nestjs/throttler does past its limit, after setting `Retry-After`. */
  @Get('throttled')
  throttled(@Res({ passthrough: true }) response: Response): never {
    response.setHeader('Retry-After', '42');
    throw new HttpException('ThrottlerException: Too Many Requests', 429);
  }

  @Get('after-headers')
  afterHeaders(@Res() response: Response): never {
    response.status(200).write('partial');
    throw new RangeError('failed midway');
  }
}

@Module({ controllers: [FailingController] })
class FailingModule {}

const WEBHOOK_SECRET = 'error-responses-webhook-secret';

describe('demo error responses', () => {
  const logger = new CapturingLogger();
  let emulator: NylasEmulator;
  let demo: DemoTestApp;

  function linesWith(text: string): string[] {
    return logger.lines.filter((line) => line.includes(text));
  }

  beforeAll(async () => {
    emulator = await NylasEmulator.start({ clients: [EMULATOR_CLIENT] });
    const config = { ...emulatorBackedConfig(emulator), webhookSecret: WEBHOOK_SECRET };
    demo = await startDemoApp(config, { imports: [{ module: FailingModule }] }, logger);
  });

  afterAll(async () => {
    await demo?.close();
    await emulator?.close();
  });

  describe("the demo's own errors", () => {
    it('unknown route answers 404 not_found without the query', async () => {
      const response = await request(demo.baseUrl).get('/no-such-page?code=query-value');

      expect(response.status).toBe(404);
      expect(response.body).toEqual({ statusCode: 404, error: 'not_found', message: 'No route matches GET /no-such-page.' });
    });

    it('malformed JSON answers 400 invalid_json', async () => {
      const response = await request(demo.baseUrl).post('/login').set('Content-Type', 'application/json').send('{"username":');

      expect(response.status).toBe(400);
      expect(response.body).toEqual({ statusCode: 400, error: 'invalid_json', message: 'The request body is not valid JSON.' });
    });

    it('JSON body over the limit answers 413 payload_too_large', async () => {
      const body = JSON.stringify({ username: 'a'.repeat(200 * 1024) });
      const response = await request(demo.baseUrl).post('/login').set('Content-Type', 'application/json').send(body);

      expect(response.status).toBe(413);
      expect(response.body).toEqual({ statusCode: 413, error: 'payload_too_large', message: 'The request body is larger than 102400 bytes.' });
    });

    it('429 answers rate_limited with the wait and no class name', async () => {
      const response = await request(demo.baseUrl).get('/test-errors/throttled');

      expect(response.status).toBe(429);
      expect(response.headers['retry-after']).toBe('42');
      expect(response.body).toEqual({ statusCode: 429, error: 'rate_limited', message: 'Too many requests from this address. Try again in 42 seconds.' });
    });

    it('other HttpExceptions get a code from the status', async () => {
      const notAllowed = await request(demo.baseUrl).get('/test-errors/method-not-allowed');
      expect(notAllowed.status).toBe(405);
      expect(notAllowed.body).toEqual({ statusCode: 405, error: 'method_not_allowed', message: 'Method Not Allowed' });

      const badRequest = await request(demo.baseUrl).get('/test-errors/bad-request');
      expect(badRequest.status).toBe(400);
      expect(badRequest.body).toEqual({ statusCode: 400, error: 'bad_request', message: 'The limit parameter must be a number.' });

      const teapot = await request(demo.baseUrl).get('/test-errors/teapot');
      expect(teapot.status).toBe(418);
      expect(teapot.body).toEqual({ statusCode: 418, error: 'i_m_a_teapot', message: "I'm a Teapot" });
    });

    it('bodies that already carry a stable code pass unchanged', async () => {
      const custom = await request(demo.baseUrl).get('/test-errors/stable-code');
      expect(custom.status).toBe(409);
      expect(custom.body).toEqual({ statusCode: 409, error: 'custom_conflict', message: 'Already done.' });

      const signedOut = await request(demo.baseUrl).get('/api/me');
      expect(signedOut.status).toBe(401);
      expect(signedOut.body).toEqual({ statusCode: 401, error: 'not_signed_in', message: expect.stringContaining('POST /login') });
    });

    it('unknown error becomes 500 internal_error', async () => {
      const response = await request(demo.baseUrl).get('/test-errors/type-error?state=query-value').set('Content-Type', 'application/json');

      expect(response.status).toBe(500);
      expect(response.body).toEqual({ statusCode: 500, error: 'internal_error', message: 'The server failed while handling this request. Try again later.' });
      expect(linesWith('TypeError')).toEqual([
        expect.stringMatching(/^error Request GET \/test-errors\/type-error failed with TypeError; responded with 500 internal_error/),
      ]);
      expect(linesWith('message that must not be logged')).toEqual([]);
      expect(linesWith('query-value')).toEqual([]);
    });

    it('error after response began ends it', async () => {
      const response = await request(demo.baseUrl).get('/test-errors/after-headers');

      expect(response.status).toBe(200);
      expect(response.text).toBe('partial');
      expect(linesWith('RangeError')).toHaveLength(1);
    });
  });

  describe("the library's errors", () => {
    it('grant errors pass unchanged', async () => {
      const cookie = await signIn(demo.baseUrl, 'errors-grant');
      const response = await request(demo.baseUrl).delete('/api/grants/no-such-grant').set('Cookie', cookie);

      expect(response.status).toBe(404);
      expect(response.body).toEqual(new GrantNotFoundError('no-such-grant').getResponse());
    });

    it('webhook errors pass unchanged', async () => {
      const response = await request(demo.baseUrl).post(WEBHOOK_PATH).set('Content-Type', 'application/json').send('{}');

      expect(response.status).toBe(401);
      expect(response.body).toMatchObject({ statusCode: 401, error: 'invalid_webhook_signature' });
    });

    it('failed callback from a browser still redirects', async () => {
      const response = await request(demo.baseUrl).get('/auth/nylas/callback?code=a&state=b').set('Accept', BROWSER_ACCEPT).redirects(0);

      expect(response.status).toBe(302);
      expect(response.headers.location).toBe('/?nylas_error=state_not_found');
    });

    it('failed callback asking for JSON keeps its code', async () => {
      const response = await request(demo.baseUrl).get('/auth/nylas/callback?code=a&state=b').set('Accept', 'application/json');

      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({ statusCode: 400, error: 'state_not_found' });
    });

    it('failed pop-up start still answers with the pop-up page', async () => {
      const response = await request(demo.baseUrl).get('/auth/nylas?mode=popup').set('Accept', BROWSER_ACCEPT);

      expect(response.status).toBe(401);
      expect(response.headers['content-type']).toMatch(/^text\/html/);
      expect(response.text).toContain('not_signed_in');
    });
  });

  describe('GET /api/grants on a failing database', () => {
    it('database failure becomes 503 storage_unavailable', async () => {
      const cookie = await connectMailbox(demo.baseUrl, emulator, 'errors-db', 'errors-db@example.com');
      const dataSource = demo.app.get(DataSource);
      const linesBefore = logger.lines.length;

      await dataSource.query('ALTER TABLE nylas_grants RENAME TO nylas_grants_away');
      let response: request.Response;
      try {
        response = await request(demo.baseUrl).get('/api/grants').set('Cookie', cookie);
      } finally {
        await dataSource.query('ALTER TABLE nylas_grants_away RENAME TO nylas_grants');
      }

      expect(response.status).toBe(503);
      expect(response.body).toMatchObject({ statusCode: 503, error: 'storage_unavailable' });
      expect(response.text).not.toContain('nylas_grants');
      const newLines = logger.lines.slice(linesBefore);
      expect(newLines).toEqual([expect.stringMatching(/^error Listing the grants of user errors-db failed: QueryFailedError/)]);
      expect(newLines.join('\n')).not.toMatch(/SELECT|nylas_grants|no such table/i);

      await request(demo.baseUrl).get('/api/grants').set('Cookie', cookie).expect(200);
    });
  });
});
