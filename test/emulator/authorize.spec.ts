import type { NylasEmulator } from 'nylas-emulator';
import { APP, authUrl, connect, OTHER_APP, readJson, REDIRECT_URI, requestJson, startEmulator } from './emulator-test-helpers.js';

let emulator: NylasEmulator;

beforeAll(async () => {
  emulator = await startEmulator();
});

afterAll(async () => {
  await emulator.close();
});

beforeEach(() => {
  emulator.reset();
});

async function getAuth(url: string, accept = 'text/html'): Promise<Response> {
  return fetch(url, { redirect: 'manual', headers: { accept } });
}

function redirectParams(response: Response): URLSearchParams {
  const location = response.headers.get('location');
  expect(location).not.toBeNull();
  expect(location!.startsWith(REDIRECT_URI)).toBe(true);
  return new URL(location!).searchParams;
}

describe('GET /v3/connect/auth', () => {
  test('valid request shows the consent form', async () => {
    const response = await getAuth(authUrl(emulator, { state: 's1', scope: 'email calendar' }));
    const html = await response.text();

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(html).toContain('<form method="post" action="/v3/connect/auth/consent"');
    expect(html).toContain('<input type="hidden" name="state" value="s1">');
    expect(html).toContain('name="decision" value="approve"');
    expect(html).toContain('name="decision" value="deny"');
  });

  test('hostile state and login_hint are escaped', async () => {
    const state = '"><script>alert(1)</script>&\'';
    const loginHint = '"><img src=x onerror=alert(2)>';
    const html = await (await getAuth(authUrl(emulator, { state, login_hint: loginHint }))).text();

    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<img');
    expect(html).toContain('value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;&amp;&#39;"');
    expect(html).toContain('name="email" value="&quot;&gt;&lt;img src=x onerror=alert(2)&gt;"');
  });

  test('hostile state survives the round trip', async () => {
    const state = '"><script>alert(1)</script>&amp;\' ünï';
    const location = new URL(await emulator.approve(authUrl(emulator, { state }), { email: 'user@example.com' }));
    expect(location.searchParams.get('state')).toBe(state);
  });

  test('unknown client gets an error page, not a redirect', async () => {
    const response = await getAuth(authUrl(emulator, { client_id: 'nobody' }), 'application/json');
    const body = await readJson(response);

    expect(response.status).toBe(400);
    expect(response.headers.get('location')).toBeNull();
    expect(body.error).toBe('invalid_request');
    expect(body.error_description).toContain('Unknown client_id');
  });

  test('unregistered redirect_uri gets an HTML error page', async () => {
    const response = await getAuth(authUrl(emulator, { redirect_uri: 'https://attacker.example/cb' }));
    const html = await response.text();

    expect(response.status).toBe(400);
    expect(response.headers.get('location')).toBeNull();
    expect(response.headers.get('content-type')).toContain('text/html');
    expect(html).toContain('is not registered for client');
  });

  test('redirect_uri of another client is rejected', async () => {
    const response = await getAuth(authUrl(emulator, { redirect_uri: OTHER_APP.callbackUris[0] }));
    expect(response.status).toBe(400);
    expect(response.headers.get('location')).toBeNull();
  });

  test('redirect_uri must match exactly', async () => {
    const response = await getAuth(authUrl(emulator, { redirect_uri: `${REDIRECT_URI}/` }));
    expect(response.status).toBe(400);
  });

  test('missing client_id gets an error page', async () => {
    const query = new URLSearchParams({ redirect_uri: REDIRECT_URI, response_type: 'code' });
    const response = await getAuth(`${emulator.url}/v3/connect/auth?${query.toString()}`, '*/*');
    expect(response.status).toBe(400);
    expect((await readJson(response)).error_description).toBe('Missing required parameter: client_id');
  });

  test('duplicate redirect_uri gets an error page', async () => {
    const response = await getAuth(`${authUrl(emulator)}&redirect_uri=${encodeURIComponent(REDIRECT_URI)}`);
    expect(response.status).toBe(400);
    expect(response.headers.get('location')).toBeNull();
  });

  const invalidRequests: Array<[Record<string, string>, string, string]> = [
    [{ response_type: '' }, 'invalid_request', 'Missing required parameter: response_type'],
    [{ response_type: 'token' }, 'unsupported_response_type', 'Unsupported response_type "token": use code'],
    [{ provider: 'aol' }, 'invalid_request', 'Unsupported provider "aol"'],
    [{ access_type: 'forever' }, 'invalid_request', 'Invalid access_type "forever"'],
    [{ code_challenge: 'abc', code_challenge_method: 'S512' }, 'invalid_request', 'Unsupported code_challenge_method "S512"'],
    [{ code_challenge_method: 'S256' }, 'invalid_request', 'code_challenge_method was sent without code_challenge'],
    [{ state: 'x'.repeat(257) }, 'invalid_request', 'state is 257 characters long; the maximum is 256'],
  ];

  test.each(invalidRequests)('invalid %j redirects with %s', async (params, error, description) => {
    const response = await getAuth(authUrl(emulator, { state: 'keep-me', ...params }));
    const query = redirectParams(response);

    expect(response.status).toBe(303);
    expect(query.get('error')).toBe(error);
    expect(query.get('error_description')).toContain(description);
    expect(query.get('state')).toBe(params.state ?? 'keep-me');
  });

  test('state of 256 characters is accepted', async () => {
    const response = await getAuth(authUrl(emulator, { state: 'x'.repeat(256) }));
    expect(response.status).toBe(200);
  });

  test('duplicate state redirects with invalid_request', async () => {
    const response = await getAuth(`${authUrl(emulator, { state: 'a' })}&state=b`);
    const query = redirectParams(response);
    expect(query.get('error')).toBe('invalid_request');
    expect(query.get('error_description')).toBe('Duplicate parameter: state');
  });

  test('all providers and both PKCE methods in any case are accepted', async () => {
    for (const provider of ['google', 'microsoft', 'imap', 'icloud', 'yahoo', 'ews', 'zoom']) {
      expect((await getAuth(authUrl(emulator, { provider }))).status).toBe(200);
    }
    for (const method of ['plain', 'PLAIN', 'S256', 's256']) {
      expect((await getAuth(authUrl(emulator, { code_challenge: 'c', code_challenge_method: method }))).status).toBe(200);
    }
  });
});

describe('consent step', () => {
  test('approve redirects with code and state', async () => {
    const location = new URL(await emulator.approve(authUrl(emulator, { state: 'xyz' }), { email: 'user@example.com' }));

    expect(`${location.origin}${location.pathname}`).toBe(REDIRECT_URI);
    expect(location.searchParams.get('code')).toMatch(/^[\w-]{43}$/);
    expect(location.searchParams.get('state')).toBe('xyz');
    expect(emulator.stats().codesIssued).toBe(1);
  });

  test('approve without state omits state', async () => {
    const location = new URL(await emulator.approve(authUrl(emulator), { email: 'user@example.com' }));
    expect(location.searchParams.has('state')).toBe(false);
    expect([...location.searchParams.keys()]).toEqual(['code']);
  });

  test('redirect_uri with a query keeps it', async () => {
    const redirectUri = 'http://localhost:3000/callback?tenant=acme';
    const location = await emulator.approve(authUrl(emulator, { redirect_uri: redirectUri, state: 'a b' }), {
      email: 'user@example.com',
    });

    expect(location).toMatch(/^http:\/\/localhost:3000\/callback\?tenant=acme&code=[\w-]+&state=a\+b$/);
  });

  test('deny redirects with access_denied and state', async () => {
    const location = new URL(await emulator.deny(authUrl(emulator, { state: 'st' })));

    expect(location.searchParams.get('error')).toBe('access_denied');
    expect(location.searchParams.get('error_description')).toBe('The user denied access');
    expect(location.searchParams.get('state')).toBe('st');
    expect(location.searchParams.has('code')).toBe(false);
    expect(emulator.stats().grants).toBe(0);
  });

  test('approve rejects an implausible email', async () => {
    await expect(emulator.approve(authUrl(emulator), { email: 'not-an-email' })).rejects.toThrow(/HTTP 400/);
    expect(emulator.stats().codesIssued).toBe(0);
  });

  test('approve returns the error redirect of an invalid request', async () => {
    const location = new URL(await emulator.approve(authUrl(emulator, { response_type: 'token' }), { email: 'user@example.com' }));
    expect(location.searchParams.get('error')).toBe('unsupported_response_type');
  });

  test('approve refuses a URL of another host', async () => {
    await expect(emulator.approve('http://127.0.0.2:1/v3/connect/auth', { email: 'user@example.com' })).rejects.toThrow(
      /not served by this emulator/,
    );
  });

  test('tampered consent form is validated again', async () => {
    const form = new URLSearchParams({
      client_id: APP.clientId,
      redirect_uri: 'https://attacker.example/cb',
      response_type: 'code',
      email: 'user@example.com',
      decision: 'approve',
    });
    const response = await fetch(`${emulator.url}/v3/connect/auth/consent`, { method: 'POST', body: form, redirect: 'manual' });

    expect(response.status).toBe(400);
    expect(response.headers.get('location')).toBeNull();
  });

  test('consent without decision shows the form again', async () => {
    const form = new URLSearchParams({ client_id: APP.clientId, redirect_uri: REDIRECT_URI, response_type: 'code', email: 'a@example.com' });
    const response = await fetch(`${emulator.url}/v3/connect/auth/consent`, { method: 'POST', body: form, redirect: 'manual' });
    const html = await response.text();

    expect(response.status).toBe(400);
    expect(html).toContain('Missing or invalid decision');
    expect(html).toContain('value="a@example.com"');
  });

  test('provider picked on the form reaches the grant', async () => {
    const page = await (await getAuth(authUrl(emulator))).text();
    expect(page).toContain('<select name="provider">');

    const form = new URLSearchParams({
      client_id: APP.clientId,
      redirect_uri: REDIRECT_URI,
      response_type: 'code',
      provider: 'microsoft',
      email: 'user@example.com',
      decision: 'approve',
    });
    const response = await fetch(`${emulator.url}/v3/connect/auth/consent`, { method: 'POST', body: form, redirect: 'manual' });
    expect(response.status).toBe(303);
  });
});

describe('grants per mailbox', () => {
  test('same email gets the same grant', async () => {
    const first = await connect(emulator, { state: 'first', scope: 'email' }, { email: 'Same@Example.com' });
    const second = await connect(emulator, { state: 'second', scope: 'email calendar' }, { email: 'same@example.com' });

    expect(second.grant_id).toBe(first.grant_id);
    expect(emulator.stats().grants).toBe(1);

    const grant = await requestJson(`${emulator.url}/v3/grants/${first.grant_id}`, { headers: { authorization: `Bearer ${APP.apiKey}` } });
    expect(grant.body.data.state).toBe('second');
    expect(grant.body.data.scope).toEqual(['email', 'calendar']);
  });

  test('different emails get different grants', async () => {
    const first = await connect(emulator, {}, { email: 'one@example.com' });
    const second = await connect(emulator, {}, { email: 'two@example.com' });

    expect(second.grant_id).not.toBe(first.grant_id);
    expect(emulator.stats().grants).toBe(2);
  });
});
