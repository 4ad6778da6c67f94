import { NylasEmulator } from 'nylas-emulator';
import request from 'supertest';

import {
  approvedCallback,
  BROWSER_ACCEPT,
  callbackPath,
  connectMailbox,
  emulatorBackedConfig,
  EMULATOR_CLIENT,
  listGrants,
  signIn,
  startDemoApp,
  startFlow,
  type DemoTestApp,
} from './demo-test-app.js';

/** Short, so that the timeout case stays fast; loopback exchanges take a few milliseconds. */
const REQUEST_TIMEOUT_MS = 1000;

type Mode = 'browser' | 'json';

/** A callback that must fail: how to produce it, the expected status and code, and what else must hold. */
interface FailureCase {
  name: string;
  status: number;
  code: string;
  /** Returns the callback path and query to GET; `user` is a username unique to this run. */
  prepare: (user: string) => Promise<PreparedCallback>;
  /** Checks after the failed callback, such as the database or the emulator's counters. */
  verify?: (user: string, prepared: PreparedCallback) => Promise<void>;
}

interface PreparedCallback {
  path: string;
  /** The authorization URL of the flow, when the case started one. */
  authUrl?: string;
}

let emulator: NylasEmulator;
let demo: DemoTestApp;
let runCount = 0;

beforeAll(async () => {
  emulator = await NylasEmulator.start({ clients: [EMULATOR_CLIENT] });
  demo = await startDemoApp(emulatorBackedConfig(emulator), { nylas: { requestTimeoutMs: REQUEST_TIMEOUT_MS } });
});

afterAll(async () => {
  await demo?.close();
  await emulator?.close();
});

beforeEach(() => emulator.reset());

function getCallback(path: string, mode: Mode) {
  return request(demo.baseUrl)
    .get(path)
    .set('Accept', mode === 'json' ? 'application/json' : BROWSER_ACCEPT)
    .redirects(0);
}

/** Checks the callback route's failure response for a browser (redirect) or a JSON client. */
function expectFailure(response: request.Response, mode: Mode, status: number, code: string): void {
  if (mode === 'browser') {
    expect(response.status).toBe(302);
    expect(response.headers.location).toBe(`/?nylas_error=${code}`);
  } else {
    expect(response.status).toBe(status);
    expect(response.body).toEqual({ statusCode: status, error: code, message: expect.any(String) });
  }
  expect(response.headers['cache-control']).toBe('no-store');
}

const failureCases: FailureCase[] = [
  {
    name: 'callback without code or error',
    status: 400,
    code: 'missing_callback_parameters',
    prepare: async () => ({ path: '/auth/nylas/callback?state=some-state' }),
  },
  {
    name: 'unknown state',
    status: 400,
    code: 'state_not_found',
    prepare: async () => ({ path: `/auth/nylas/callback?code=some-code&state=${'x'.repeat(43)}` }),
  },
  {
    // The successful callback claimed the flow, and the claimed row stays until it expires.
    name: 'replayed callback after success',
    status: 400,
    code: 'state_already_used',
    prepare: async (user) => {
      const { path } = await approvedCallback(demo.baseUrl, emulator, user, `${user}@example.com`);
      await getCallback(path, 'json').expect(200);
      return { path };
    },
    verify: async () => {
      expect(emulator.stats().tokenExchanges.authorizationCode).toBe(1);
      expect(emulator.stats().requests.token).toBe(1);
    },
  },
  {
    name: 'user denies consent',
    status: 403,
    code: 'access_denied',
    prepare: async (user) => {
      const cookie = await signIn(demo.baseUrl, user);
      const authUrl = await startFlow(demo.baseUrl, cookie, { provider: 'google' });
      return { path: callbackPath(await emulator.deny(authUrl)), authUrl };
    },
    verify: async (user, { authUrl }) => {
      // The denial used up the state: approving the same authorization URL afterwards fails.
      const approvedPath = callbackPath(await emulator.approve(authUrl!, { email: `${user}@example.com` }));
      const retry = await getCallback(approvedPath, 'json');
      expect(retry.status).toBe(400);
      expect(retry.body.error).toBe('state_already_used');
      expect(emulator.stats().requests.token).toBe(0);
    },
  },
  {
    name: 'duplicate code parameter',
    status: 400,
    code: 'duplicate_callback_parameter',
    prepare: async (user) => {
      const { path } = await approvedCallback(demo.baseUrl, emulator, user, `${user}@example.com`);
      return { path: `${path}&code=smuggled-code` };
    },
    verify: async () => {
      expect(emulator.stats().requests.token).toBe(0);
    },
  },
  {
    name: 'token endpoint answers 502 HTML',
    status: 502,
    code: 'nylas_unavailable',
    prepare: async (user) => {
      const { path } = await approvedCallback(demo.baseUrl, emulator, user, `${user}@example.com`);
      emulator.injectFault('token', { status: 502, body: '<html>oops</html>', contentType: 'text/html', times: 1 });
      return { path };
    },
    verify: async (user) => {
      expect(emulator.stats().faultsServed).toBe(1);
      expect(await grantsOf(user)).toEqual([]);
    },
  },
  {
    name: 'token endpoint answers 200 without grant_id',
    status: 502,
    code: 'invalid_token_response',
    prepare: async (user) => {
      const { path } = await approvedCallback(demo.baseUrl, emulator, user, `${user}@example.com`);
      const body = JSON.stringify({ access_token: 'at', expires_in: 3600, id_token: 'x.y.z', scope: 'email', token_type: 'Bearer' });
      emulator.injectFault('token', { status: 200, body, times: 1 });
      return { path };
    },
    verify: async (user) => {
      expect(await grantsOf(user)).toEqual([]);
    },
  },
  {
    name: 'grant linked to another user',
    status: 409,
    code: 'grant_linked_to_other_user',
    prepare: async (user) => {
      // The owner connects the mailbox first; Nylas keeps one grant per mailbox, so the second
      // user gets the same grant id back.
      await connectMailbox(demo.baseUrl, emulator, `${user}-owner`, `${user}-shared@example.com`);
      const { path } = await approvedCallback(demo.baseUrl, emulator, user, `${user}-shared@example.com`);
      return { path };
    },
    verify: async (user) => {
      const ownerGrants = await grantsOf(`${user}-owner`);
      expect(ownerGrants).toHaveLength(1);
      expect(ownerGrants[0].email).toBe(`${user}-shared@example.com`);
      expect(await grantsOf(user)).toEqual([]);
    },
  },
];

async function grantsOf(user: string) {
  return listGrants(demo.baseUrl, await signIn(demo.baseUrl, user));
}

describe.each<Mode>(['browser', 'json'])('callback failure (%s)', (mode) => {
  test.each(failureCases)('$name answers $code', async (failure) => {
    runCount += 1;
    const user = `user-${mode}-${runCount}`;
    const prepared = await failure.prepare(user);

    const response = await getCallback(prepared.path, mode);

    expectFailure(response, mode, failure.status, failure.code);
    expect(response.text).not.toContain('oops');
    await failure.verify?.(user, prepared);
  });

  test('token endpoint timeout answers nylas_timeout in time', async () => {
    const user = `timeout-${mode}`;
    const { path } = await approvedCallback(demo.baseUrl, emulator, user, `${user}@example.com`);
    emulator.injectFault('token', { delayMs: REQUEST_TIMEOUT_MS + 2000, times: 1 });

    const startedAt = Date.now();
    const response = await getCallback(path, mode);
    const elapsedMs = Date.now() - startedAt;

    expectFailure(response, mode, 504, 'nylas_timeout');
    expect(elapsedMs).toBeLessThan(REQUEST_TIMEOUT_MS + 1000);
    expect(await grantsOf(user)).toEqual([]);
  });
});

describe('expired state', () => {
  const STATE_TTL_MS = 50;
  let shortLived: DemoTestApp;

  beforeAll(async () => {
    shortLived = await startDemoApp(emulatorBackedConfig(emulator), { nylas: { stateTtlMs: STATE_TTL_MS } });
  });

  afterAll(async () => {
    await shortLived?.close();
  });

  test.each<Mode>(['browser', 'json'])('callback after the state lifetime answers state_expired (%s)', async (mode) => {
    const { path } = await approvedCallback(shortLived.baseUrl, emulator, `late-${mode}`, `late-${mode}@example.com`);
    await new Promise((resolve) => setTimeout(resolve, STATE_TTL_MS * 3));

    const response = await request(shortLived.baseUrl)
      .get(path)
      .set('Accept', mode === 'json' ? 'application/json' : BROWSER_ACCEPT)
      .redirects(0);

    expectFailure(response, mode, 400, 'state_expired');
    expect(emulator.stats().requests.token).toBe(0);
  });
});

describe('callback route without any query', () => {
  test('answers missing_callback_parameters', async () => {
    const cookie = await signIn(demo.baseUrl, 'bare-callback');

    const response = await request(demo.baseUrl).get('/auth/nylas/callback').set('Cookie', cookie).set('Accept', 'application/json').redirects(0);

    expect(response.status).toBe(400);
    expect(response.body.error).toBe('missing_callback_parameters');
  });
});
