import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { NYLAS_CONNECT_ENTITIES, NYLAS_CONNECT_MIGRATIONS } from 'nestjs-nylas-connect';
import { DataSource } from 'typeorm';

import { DemoConfigError, loadDemoConfig } from '../../src/config/demo-config.js';
import { createDataSourceOptions, describeDatabase, InvalidDatabaseUrlError, parseDatabaseUrl } from '../../src/database/database-options.js';

/** Returns the problems `loadDemoConfig` reports for `env`, or fails when it accepts it. */
function problemsOf(env: Record<string, string>): string[] {
  try {
    loadDemoConfig(env);
  } catch (error) {
    if (error instanceof DemoConfigError) return error.problems;
    throw error;
  }
  throw new Error('loadDemoConfig accepted the environment');
}

describe('loadDemoConfig', () => {
  test('defaults to the local emulator and SQLite', () => {
    const config = loadDemoConfig({});

    expect(config.host).toBe('127.0.0.1');
    expect(config.port).toBe(3000);
    expect(config.databaseUrl).toBe('sqlite:data/demo.sqlite');
    expect(config.nylas).toMatchObject({ mode: 'emulator', clientId: 'demo-client-id', port: 0, callbackUri: 'http://localhost:3000/auth/nylas/callback' });
    expect(config.nylas.apiKey).toMatch(/^emulator-[\w-]{32}$/);
    expect(config.session.secretGenerated).toBe(true);
    expect(config.session.secret.length).toBeGreaterThanOrEqual(32);
    expect(config.session.secureCookie).toBe(false);
  });

  test('makes a new session secret per process start', () => {
    expect(loadDemoConfig({}).session.secret).not.toBe(loadDemoConfig({}).session.secret);
  });

  test('builds the default callback URI from PORT', () => {
    const config = loadDemoConfig({ PORT: '4321' });

    expect(config.port).toBe(4321);
    expect(config.nylas.callbackUri).toBe('http://localhost:4321/auth/nylas/callback');
  });

  test('uses Nylas when NYLAS_API_KEY is set', () => {
    const config = loadDemoConfig({
      NYLAS_API_KEY: 'nyk_v0_key',
      NYLAS_CLIENT_ID: 'client-1',
      NYLAS_CALLBACK_URI: 'https://app.example/auth/nylas/callback',
      SESSION_SECRET: 's'.repeat(32),
    });

    expect(config.nylas).toEqual({
      mode: 'api',
      clientId: 'client-1',
      apiKey: 'nyk_v0_key',
      apiUri: 'https://api.us.nylas.com',
      callbackUri: 'https://app.example/auth/nylas/callback',
      jwksUri: undefined,
      idTokenIssuer: undefined,
    });
    expect(config.session).toEqual({ secret: 's'.repeat(32), secretGenerated: false, secureCookie: true });
  });

  test('takes the EU region from NYLAS_API_URI', () => {
    const config = loadDemoConfig({ NYLAS_API_KEY: 'key', NYLAS_CLIENT_ID: 'client', NYLAS_API_URI: 'https://api.eu.nylas.com/' });

    expect(config.nylas).toMatchObject({ mode: 'api', apiUri: 'https://api.eu.nylas.com' });
  });

  test('reads EMULATOR_PORT for the local emulator', () => {
    const config = loadDemoConfig({ EMULATOR_PORT: '4010' });

    expect(config.nylas).toMatchObject({ mode: 'emulator', port: 4010 });
  });

  test('requires NYLAS_CLIENT_ID with NYLAS_API_KEY', () => {
    expect(problemsOf({ NYLAS_API_KEY: 'key' })).toEqual([expect.stringContaining('NYLAS_CLIENT_ID is missing')]);
  });

  test('rejects NYLAS_API_URI without NYLAS_API_KEY', () => {
    expect(problemsOf({ NYLAS_API_URI: 'https://api.eu.nylas.com' })).toEqual([expect.stringContaining('NYLAS_API_KEY is not')]);
  });

  test('lists every problem at once', () => {
    const problems = problemsOf({
      PORT: 'eighty',
      DATABASE_URL: 'oracle://db/x',
      NYLAS_CALLBACK_URI: '/auth/nylas/callback',
      SESSION_SECRET: 'short',
      EMULATOR_PORT: '70000',
    });

    expect(problems).toEqual([
      expect.stringContaining('PORT must be a whole number from 1 to 65535, got "eighty"'),
      expect.stringContaining('unsupported scheme "oracle:"'),
      expect.stringContaining('NYLAS_CALLBACK_URI must be an absolute URL'),
      expect.stringContaining('EMULATOR_PORT must be a whole number from 0 to 65535'),
      expect.stringContaining('SESSION_SECRET must be at least 32 characters, got 5'),
    ]);
  });

  test('error message names each problem', () => {
    expect(() => loadDemoConfig({ PORT: '0' })).toThrow(/Invalid demo configuration:\n {2}- PORT must be/);
  });
});

describe('parseDatabaseUrl', () => {
  test.each([
    ['sqlite:data/demo.sqlite', { type: 'sqlite', path: 'data/demo.sqlite' }],
    ['sqlite:///var/db/demo.sqlite', { type: 'sqlite', path: '/var/db/demo.sqlite' }],
    ['sqlite:/var/db/demo.sqlite', { type: 'sqlite', path: '/var/db/demo.sqlite' }],
    ['sqlite::memory:', { type: 'sqlite', path: ':memory:' }],
    ['postgres://u:p@db:5432/app', { type: 'postgres', url: 'postgres://u:p@db:5432/app' }],
    ['postgresql://u:p@db/app?sslmode=require', { type: 'postgres', url: 'postgresql://u:p@db/app?sslmode=require' }],
    ['mysql://u:p@db:3306/app', { type: 'mysql', url: 'mysql://u:p@db:3306/app' }],
    ['mariadb://u:p@db/app', { type: 'mariadb', url: 'mariadb://u:p@db/app' }],
  ])('reads %s', (url, expected) => {
    expect(parseDatabaseUrl(url)).toEqual(expected);
  });

  test.each([
    ['no scheme', 'data/demo.sqlite', 'has no scheme'],
    ['an unknown scheme', 'mongodb://db/app', 'unsupported scheme "mongodb:"'],
    ['no SQLite file', 'sqlite:', 'names no SQLite file'],
    ['no host', 'postgres:///app', 'names no host'],
    ['no database', 'mysql://u:p@db:3306/', 'names no database'],
  ])('rejects a URL with %s', (_case, url, message) => {
    expect(() => parseDatabaseUrl(url)).toThrow(InvalidDatabaseUrlError);
    expect(() => parseDatabaseUrl(url)).toThrow(message);
  });

  test('error message hides the password', () => {
    expect(() => parseDatabaseUrl('mysql://user:hunter2@db:3306/')).toThrow('mysql://user:***@db:3306/');
    expect(() => parseDatabaseUrl('mysql://user:hunter2@db:3306/')).not.toThrow(/hunter2/);
  });
});

describe('createDataSourceOptions', () => {
  test('adds the library entities and migrations, without synchronize', () => {
    const options = createDataSourceOptions('postgres://u:p@db:5432/app');

    expect(options).toMatchObject({ type: 'postgres', url: 'postgres://u:p@db:5432/app', synchronize: false });
    expect(options.entities).toEqual(NYLAS_CONNECT_ENTITIES);
    expect(options.migrations).toEqual(NYLAS_CONNECT_MIGRATIONS);
  });

  test('uses mysql2 for mariadb URLs', () => {
    expect(createDataSourceOptions('mariadb://u:p@db/app')).toMatchObject({ type: 'mariadb', url: 'mariadb://u:p@db/app' });
  });

  test('creates the folder of a SQLite file', () => {
    const root = mkdtempSync(join(tmpdir(), 'demo-db-'));
    try {
      const file = join(root, 'nested', 'demo.sqlite');

      const options = createDataSourceOptions(`sqlite:${file}`);

      expect(options).toMatchObject({ type: 'better-sqlite3', database: file });
      expect(statSync(join(root, 'nested')).isDirectory()).toBe(true);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  test('opens a SQLite file with write-ahead logging and full syncs', async () => {
    const root = mkdtempSync(join(tmpdir(), 'demo-db-'));
    const dataSource = new DataSource(createDataSourceOptions(`sqlite:${join(root, 'demo.sqlite')}`));
    try {
      await dataSource.initialize();

      expect(await dataSource.query('PRAGMA journal_mode')).toEqual([{ journal_mode: 'wal' }]);
      // 2 is FULL: write-ahead logging does not trade durability for speed here.
      expect(await dataSource.query('PRAGMA synchronous')).toEqual([{ synchronous: 2 }]);
    } finally {
      if (dataSource.isInitialized) await dataSource.destroy();
      rmSync(root, { recursive: true, force: true });
    }
  });

  test('keeps an in-memory SQLite database in memory', async () => {
    const dataSource = new DataSource(createDataSourceOptions('sqlite::memory:'));
    try {
      await dataSource.initialize();

      expect(await dataSource.query('PRAGMA journal_mode')).toEqual([{ journal_mode: 'memory' }]);
    } finally {
      if (dataSource.isInitialized) await dataSource.destroy();
    }
  });
});

describe('describeDatabase', () => {
  test('omits the password', () => {
    expect(describeDatabase('postgres://user:secret@db.example:5432/app')).toBe('postgres db.example:5432/app');
  });

  test('names the SQLite file', () => {
    expect(describeDatabase('sqlite:data/demo.sqlite')).toBe('sqlite data/demo.sqlite');
  });
});
