import { createHmac } from 'node:crypto';

import { NylasEmulator } from 'nylas-emulator';
import request from 'supertest';

import { emulatorBackedConfig, EMULATOR_CLIENT, signIn, startDemoApp, type DemoTestApp } from './demo-test-app.js';

let emulator: NylasEmulator;
let demo: DemoTestApp;

function demoSecret(): string {
  return emulatorBackedConfig(emulator).session.secret;
}

/**
 * Builds a session cookie the way cookie-parser signs one (cookie-signature: the value, a dot, and
 * the base64 HMAC-SHA256 without padding, behind "s:"), so a test can choose the expiry.
 */
function signedSessionCookie(payload: { user: string; exp: number }, secret: string): string {
  const value = `j:${JSON.stringify(payload)}`;
  const signature = createHmac('sha256', secret).update(value).digest('base64').replace(/=+$/, '');
  return `demo_session=${encodeURIComponent(`s:${value}.${signature}`)}`;
}

beforeAll(async () => {
  emulator = await NylasEmulator.start({ clients: [EMULATOR_CLIENT] });
  demo = await startDemoApp(emulatorBackedConfig(emulator));
});

afterAll(async () => {
  await demo?.close();
  await emulator?.close();
});

describe('POST /login', () => {
  test('sets a signed HttpOnly SameSite=Lax cookie', async () => {
    const response = await request(demo.baseUrl).post('/login').send({ username: 'alice.b_c-1' }).expect(200);

    const setCookie = String(response.headers['set-cookie']);
    expect(setCookie).toMatch(/^demo_session=s%3A/);
    expect(setCookie).toContain('HttpOnly');
    expect(setCookie).toContain('SameSite=Lax');
    expect(setCookie).toContain('Path=/');
    expect(setCookie).not.toContain('Secure');
    expect(response.body).toEqual({ id: 'alice.b_c-1' });
  });

  test.each([
    ['empty', { username: '' }],
    ['65 characters', { username: 'a'.repeat(65) }],
    ['with a space', { username: 'alice smith' }],
    ['with a slash', { username: 'alice/bob' }],
    ['non-ASCII', { username: 'zoë' }],
    ['a number', { username: 42 }],
    ['missing', {}],
    ['inside an array', [{ username: 'alice' }]],
  ])('rejects username (%s)', async (_case, body) => {
    const response = await request(demo.baseUrl).post('/login').send(body);

    expect(response.status).toBe(400);
    expect(response.body).toEqual({ statusCode: 400, error: 'invalid_username', message: expect.stringContaining('1 to 64 characters') });
    expect(response.headers['set-cookie']).toBeUndefined();
  });

  test('accepts a 64-character username', async () => {
    await request(demo.baseUrl).post('/login').send({ username: 'a'.repeat(64) }).expect(200);
  });

  test.each([
    ['form-encoded', 'application/x-www-form-urlencoded', 'username=alice'],
    ['plain text', 'text/plain', '{"username":"alice"}'],
  ])('rejects a %s body, which a cross-site form can send', async (_case, contentType, body) => {
    const response = await request(demo.baseUrl).post('/login').set('Content-Type', contentType).send(body);

    expect(response.status).toBe(415);
    expect(response.body).toMatchObject({ statusCode: 415, error: 'unsupported_media_type' });
    expect(response.headers['set-cookie']).toBeUndefined();
  });
});

describe('GET /api/me', () => {
  test('returns the signed-in user', async () => {
    const cookie = await signIn(demo.baseUrl, 'me-user');

    const response = await request(demo.baseUrl).get('/api/me').set('Cookie', cookie).expect(200);

    expect(response.body).toEqual({ id: 'me-user' });
  });

  test('answers 401 without a cookie', async () => {
    const response = await request(demo.baseUrl).get('/api/me');

    expect(response.status).toBe(401);
    expect(response.body).toMatchObject({ statusCode: 401, error: 'not_signed_in' });
  });

  test('answers 401 for a tampered cookie', async () => {
    const cookie = await signIn(demo.baseUrl, 'mallory');
    const tampered = cookie.replace('mallory', 'alice');
    expect(tampered).not.toBe(cookie);

    await request(demo.baseUrl).get('/api/me').set('Cookie', tampered).expect(401);
  });

  test('answers 401 for an unsigned cookie', async () => {
    const unsigned = `demo_session=${encodeURIComponent(`j:${JSON.stringify({ user: 'alice', exp: Date.now() + 60_000 })}`)}`;

    await request(demo.baseUrl).get('/api/me').set('Cookie', unsigned).expect(401);
  });

  test('accepts a cookie signed with the session secret', async () => {
    const forged = signedSessionCookie({ user: 'forged-ok', exp: Date.now() + 60_000 }, demoSecret());

    const response = await request(demo.baseUrl).get('/api/me').set('Cookie', forged).expect(200);

    expect(response.body).toEqual({ id: 'forged-ok' });
  });

  test('answers 401 for an expired session', async () => {
    const expired = signedSessionCookie({ user: 'alice', exp: Date.now() - 1000 }, demoSecret());

    await request(demo.baseUrl).get('/api/me').set('Cookie', expired).expect(401);
  });

  test('answers 401 for a signed session with an invalid username', async () => {
    const invalid = signedSessionCookie({ user: 'alice/../bob', exp: Date.now() + 60_000 }, demoSecret());

    await request(demo.baseUrl).get('/api/me').set('Cookie', invalid).expect(401);
  });

  test('answers 401 for a cookie signed with another secret', async () => {
    const otherConfig = emulatorBackedConfig(emulator);
    otherConfig.session = { ...otherConfig.session, secret: 'another-session-secret-of-32-chars!!' };
    const other = await startDemoApp(otherConfig);
    try {
      const foreignCookie = await signIn(other.baseUrl, 'alice');

      await request(demo.baseUrl).get('/api/me').set('Cookie', foreignCookie).expect(401);
    } finally {
      await other.close();
    }
  });
});

describe('POST /logout', () => {
  test('expires the session cookie', async () => {
    const cookie = await signIn(demo.baseUrl, 'leaver');

    const response = await request(demo.baseUrl).post('/logout').set('Cookie', cookie).expect(204);

    const cleared = String(response.headers['set-cookie']);
    expect(cleared).toMatch(/^demo_session=;/);
    expect(cleared).toContain('Expires=Thu, 01 Jan 1970');
  });
});

describe('page', () => {
  test('GET / serves the page with a CSP header', async () => {
    const response = await request(demo.baseUrl).get('/').expect(200);

    expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(response.headers['content-security-policy']).toContain("default-src 'self'");
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.text).toContain('<form id="sign-in-form"');
    expect(response.text).toContain('href="/auth/nylas');
    expect(response.text).toContain('<script src="/app.js" defer></script>');
    // No inline script: every <script> tag loads a file, which the CSP allows.
    expect(response.text).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
  });

  test('GET /app.js serves the script', async () => {
    const response = await request(demo.baseUrl).get('/app.js').expect(200);

    expect(response.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(response.text).toContain('describeNylasError');
    expect(response.text).not.toContain('innerHTML');
  });

  test('GET /error-messages.js serves the error sentences', async () => {
    const response = await request(demo.baseUrl).get('/error-messages.js').expect(200);

    expect(response.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(response.text).toContain('const ERROR_MESSAGES');
    expect(response.text).toContain('flow_user_mismatch');
  });

  test('GET /connect-library serves the @nylas/connect example', async () => {
    const page = await request(demo.baseUrl).get('/connect-library').expect(200);
    const script = await request(demo.baseUrl).get('/connect-library.js').expect(200);

    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.text).toContain('<script type="module" src="/connect-library.js"></script>');
    expect(page.text).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(script.text).toContain("from '/vendor/nylas-connect.js'");
    expect(script.text).toContain('codeExchange: exchangeOnServer');
  });

  test('GET /vendor/nylas-connect.js serves the package with its license', async () => {
    const response = await request(demo.baseUrl).get('/vendor/nylas-connect.js').expect(200);

    expect(response.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(response.text).toMatch(/^\/\*!\n@nylas\/connect, served unchanged below/);
    expect(response.text).toContain('The MIT License (MIT)');
    expect(response.text).toContain('NylasConnect');
  });

  test('pages may keep their pop-ups as openers', async () => {
    const response = await request(demo.baseUrl).get('/').expect(200);

    expect(response.headers['cross-origin-opener-policy']).toBe('same-origin-allow-popups');
  });

  test('GET /app.css serves the style sheet', async () => {
    const response = await request(demo.baseUrl).get('/app.css').expect(200);

    expect(response.headers['content-type']).toBe('text/css; charset=utf-8');
  });

  test('API answers carry the security headers too', async () => {
    const response = await request(demo.baseUrl).get('/api/me');

    expect(response.headers['content-security-policy']).toContain("default-src 'self'");
    expect(response.headers['x-frame-options']).toBe('DENY');
    expect(response.headers['x-powered-by']).toBeUndefined();
  });
});
