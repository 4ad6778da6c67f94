/**
 * Packs the library with npm and installs the tarball into fresh host apps outside this
 * repository. Each host runs as a child process, and the test drives a whole flow through it.
 * The hosts are a NestJS 12 ES module app and a NestJS 11 CommonJS app, which loads the package
 * through `require(esm)`. Installed dependencies are cached (see HOST_CACHE_ROOT), so only the
 * first run installs them and builds better-sqlite3.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { NylasEmulator } from 'nylas-emulator';

import { packLibrary, prepareHost, readJson, runHostJest, startHost, type HostSpec, type PreparedHost, type RunningHost } from './package-host.js';

const CLIENT_ID = 'package-test-client';
const API_KEY = 'package-test-api-key-0123456789';
/** The callback URI the hosts register. Its origin is never contacted: the test sends the callback's path to the host's real port. */
const HOST_CALLBACK_URI = 'http://host.test/mail/done';

const SHARED_DEV_DEPENDENCIES = { '@types/express': '5.0.6', '@types/node': '20.19.43' };
const SHARED_DEPENDENCIES = {
  'better-sqlite3': '12.11.1',
  jose: '6.2.19',
  nylas: '8.4.0',
  passport: '0.7.0',
  'reflect-metadata': '0.2.2',
  rxjs: '7.8.2',
  typeorm: '1.1.3',
};

const DEFAULT_HOSTS: HostSpec[] = [
  {
    name: 'nest12-esm',
    type: 'module',
    dependencies: {
      ...SHARED_DEPENDENCIES,
      '@nestjs/common': '12.6.3',
      '@nestjs/core': '12.6.3',
      '@nestjs/passport': '12.0.0',
      '@nestjs/platform-express': '12.6.3',
      '@nestjs/typeorm': '12.0.2',
    },
    devDependencies: SHARED_DEV_DEPENDENCIES,
  },
  {
    name: 'nest11-cjs',
    type: 'commonjs',
    dependencies: {
      ...SHARED_DEPENDENCIES,
      '@nestjs/common': '11.2.12',
      '@nestjs/core': '11.2.12',
      '@nestjs/passport': '12.0.0',
      '@nestjs/platform-express': '11.2.12',
      '@nestjs/typeorm': '11.0.3',
    },
    devDependencies: {
      ...SHARED_DEV_DEPENDENCIES,
      '@nestjs/testing': '11.2.12',
      '@types/jest': '30.0.0',
      jest: '30.5.2',
      'ts-jest': '29.4.15',
      typescript: '6.0.3',
    },
    jest: true,
  },
];

/**
 * Older combinations that the peer ranges allow, checked when NYLAS_PACKAGE_TEST_ALL_HOSTS=1.
 * They stay out of the default run because each costs another cold install of about two minutes.
 */
const EXTRA_HOSTS: HostSpec[] = [
  {
    name: 'nest11-cjs-passport11',
    type: 'commonjs',
    dependencies: {
      ...SHARED_DEPENDENCIES,
      '@nestjs/common': '11.2.12',
      '@nestjs/core': '11.2.12',
      '@nestjs/passport': '11.0.5',
      '@nestjs/platform-express': '11.2.12',
      '@nestjs/typeorm': '11.0.3',
    },
    devDependencies: SHARED_DEV_DEPENDENCIES,
  },
  {
    name: 'nest11-cjs-typeorm03',
    type: 'commonjs',
    dependencies: {
      ...SHARED_DEPENDENCIES,
      typeorm: '0.3.31',
      '@nestjs/common': '11.2.12',
      '@nestjs/core': '11.2.12',
      '@nestjs/passport': '12.0.0',
      '@nestjs/platform-express': '11.2.12',
      '@nestjs/typeorm': '11.0.3',
    },
    devDependencies: SHARED_DEV_DEPENDENCIES,
  },
];

const HOSTS = process.env.NYLAS_PACKAGE_TEST_ALL_HOSTS === '1' ? [...DEFAULT_HOSTS, ...EXTRA_HOSTS] : DEFAULT_HOSTS;

/** Maximum time for packing and preparing the hosts: a cold run installs both and builds better-sqlite3 twice, in parallel. */
const PREPARE_TIMEOUT_MS = 8 * 60_000;

let workDir: string;
let emulator: NylasEmulator;
let packedFiles: string[];
const prepared = new Map<string, PromiseSettledResult<PreparedHost>>();

beforeAll(async () => {
  workDir = mkdtempSync(join(tmpdir(), 'nylas-connect-package-'));
  emulator = await NylasEmulator.start({ clients: [{ clientId: CLIENT_ID, apiKey: API_KEY, callbackUris: [HOST_CALLBACK_URI] }] });

  const packed = await packLibrary(workDir);
  packedFiles = packed.files;

  const results = await Promise.allSettled(
    HOSTS.map((spec) => {
      const dir = join(workDir, spec.name);
      mkdirSync(dir);
      return prepareHost(spec, packed.tarball, dir);
    }),
  );
  HOSTS.forEach((spec, index) => {
    const result = results[index];
    prepared.set(spec.name, result);
    if (result.status === 'fulfilled') {
      const { installSeconds, compileSeconds, fromCache } = result.value;
      process.stdout.write(`[package test] ${spec.name}: install ${installSeconds.toFixed(1)} s (${fromCache ? 'cached' : 'cold'}), compile ${compileSeconds.toFixed(1)} s\n`);
    }
  });
}, PREPARE_TIMEOUT_MS);

afterAll(async () => {
  await emulator?.close();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

describe('packed tarball', () => {
  it('contains the build, type declarations, source maps and docs only', () => {
    expect(packedFiles).toEqual(expect.arrayContaining(['package.json', 'README.md', 'dist/index.js', 'dist/index.d.ts', 'dist/index.js.map']));
    expect(packedFiles.filter((file) => !file.startsWith('dist/') && file !== 'package.json' && file !== 'README.md')).toEqual([]);
    expect(packedFiles.filter((file) => !/\.(js|d\.ts|js\.map)$/.test(file) && file.startsWith('dist/'))).toEqual([]);
  });

  it('embeds the sources in its source maps', () => {
    const hostDir = join(workDir, HOSTS[0].name);
    const map = readJson(join(hostDir, 'node_modules/nestjs-nylas-connect/dist/index.js.map'));
    expect(map.sourcesContent).toEqual([expect.stringContaining('NylasConnectModule')]);
  });
});

describe.each(HOSTS)('$name host', (spec) => {
  let host: RunningHost;
  let dir: string;

  beforeAll(async () => {
    const result = prepared.get(spec.name);
    if (!result) throw new Error(`The ${spec.name} host was not prepared.`);
    if (result.status === 'rejected') throw result.reason;

    dir = result.value.dir;
    host = await startHost(dir, {
      HOST_DATABASE: join(dir, 'host.sqlite'),
      NYLAS_CLIENT_ID: CLIENT_ID,
      NYLAS_API_KEY: API_KEY,
      NYLAS_API_URI: emulator.url,
      NYLAS_CALLBACK_URI: HOST_CALLBACK_URI,
      NYLAS_JWKS_URI: emulator.jwksUri,
      NYLAS_ID_TOKEN_ISSUER: emulator.issuer,
    });
  });

  afterAll(async () => {
    await host?.stop();
  });

  function get(path: string, headers: Record<string, string> = {}): Promise<Response> {
    return fetch(`${host.origin}${path}`, { redirect: 'manual', headers });
  }

  /** Starts a flow as `user`, approves it at the emulator, and sends the callback to the host. */
  async function connect(user: string, email: string): Promise<Response> {
    const start = await get('/mail/connect', { 'x-host-user': user });
    expect(start.status).toBe(302);
    const callbackUrl = new URL(await emulator.approve(start.headers.get('location')!, { email }));
    expect(`${callbackUrl.origin}${callbackUrl.pathname}`).toBe(HOST_CALLBACK_URI);
    return get(`${callbackUrl.pathname}${callbackUrl.search}`, { accept: 'application/json' });
  }

  it('imports the package in its own module system', () => {
    expect(readJson(join(dir, 'package.json')).type).toBe(spec.type);
    const compiled = readFileSync(join(dir, 'dist/app.module.js'), 'utf8');
    expect(compiled).toMatch(spec.type === 'module' ? /from 'nestjs-nylas-connect'/ : /require\("nestjs-nylas-connect"\)/);
  });

  it('links a grant to the host user on its own callback route', async () => {
    const email = `alice.${spec.name}@example.com`;
    const done = await connect('alice', email);

    expect(done.status).toBe(200);
    expect(await done.json()).toEqual({
      user: { id: expect.any(Number), name: 'alice' },
      grant: { grantId: expect.any(String), email, status: 'valid' },
      requestUserIsConnection: true,
    });
  });

  it('lists the signed-in user grants with @NylasGrants()', async () => {
    const email = `bob.${spec.name}@example.com`;
    const done = await connect('bob', email);
    const { grant } = (await done.json()) as { grant: { grantId: string } };

    const bob = await get('/mail/mailboxes', { 'x-host-user': 'bob' });
    expect(bob.status).toBe(200);
    expect(await bob.json()).toEqual([{ grantId: grant.grantId, email }]);

    const carol = await get('/mail/mailboxes', { 'x-host-user': 'carol' });
    expect(await carol.json()).toEqual([]);
  });

  it('answers 401 not_signed_in without a host user', async () => {
    for (const path of ['/mail/mailboxes', '/mail/connect']) {
      const response = await get(path, { accept: 'application/json' });
      expect(response.status).toBe(401);
      expect(await response.json()).toEqual({ statusCode: 401, error: 'not_signed_in', message: expect.any(String) });
    }
  });

  it('reads the grant from Nylas with the SDK client after the resolver', async () => {
    const email = `dave.${spec.name}@example.com`;
    const { grant } = (await (await connect('dave', email)).json()) as { grant: { grantId: string } };

    const own = await get(`/mail/mailboxes/${grant.grantId}`, { 'x-host-user': 'dave' });
    expect(own.status).toBe(200);
    expect(await own.json()).toEqual({ grantId: grant.grantId, email, grantStatus: 'valid' });

    const other = await get(`/mail/mailboxes/${grant.grantId}`, { 'x-host-user': 'erin' });
    expect(other.status).toBe(404);
    expect(((await other.json()) as { error: string }).error).toBe('grant_not_found');

    emulator.invalidateGrant(grant.grantId);
    const expired = await get(`/mail/mailboxes/${grant.grantId}`, { 'x-host-user': 'dave' });
    expect(expired.status).toBe(409);
    expect(((await expired.json()) as { error: string }).error).toBe('grant_invalid');
  });

  if (spec.jest) {
    it('runs its own Jest suite with the README transform', async () => {
      const result = await runHostJest(dir);
      expect(result.stderr).toMatch(/Tests:\s+1 passed, 1 total/);
    });
  }

  it('answers a failed callback with the library error code', async () => {
    const json = await get('/mail/done?code=abc&state=unknown', { accept: 'application/json' });
    expect(json.status).toBe(400);
    expect(((await json.json()) as { error: string }).error).toBe('state_not_found');

    const page = await get('/mail/done?code=abc&state=unknown', { accept: 'text/html' });
    expect(page.status).toBe(302);
    expect(page.headers.get('location')).toBe('/mail/failed?nylas_error=state_not_found');
  });
});
