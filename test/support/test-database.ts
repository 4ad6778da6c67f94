import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { DataSource, type DataSourceOptions } from 'typeorm';

/**
 * A database of its own for one test: a temporary SQLite file by default, or a fresh schema
 * (PostgreSQL) or database (MySQL, MariaDB) on the server that `DATABASE_URL` names. Several
 * app instances in one test can share it, as app instances behind a load balancer share theirs.
 */
export interface TestDatabase {
  /** `sqlite`, `postgres`, `mysql` or `mariadb`. */
  kind: string;
  /** Connection options without entities and migrations. */
  options: DataSourceOptions;
  /** The same database as a `DATABASE_URL`, for apps that parse one (such as the demo). */
  url: string;
  drop(): Promise<void>;
}

/** Returns the kind of database the suites run on, from `DATABASE_URL` (SQLite when unset). */
export function testDatabaseKind(): string {
  const url = process.env.DATABASE_URL;
  if (!url || url.startsWith('sqlite:')) return 'sqlite';
  return new URL(url).protocol.replace(/:$/, '').replace(/^postgresql$/, 'postgres');
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const kind = testDatabaseKind();
  const name = `nylas_test_${randomBytes(6).toString('hex')}`;

  if (kind === 'sqlite') {
    const folder = mkdtempSync(join(tmpdir(), 'nylas-connect-test-'));
    return {
      kind,
      options: { type: 'better-sqlite3', database: join(folder, 'test.sqlite') },
      url: `sqlite:${join(folder, 'test.sqlite')}`,
      drop: async () => rmSync(folder, { recursive: true, force: true }),
    };
  }

  const url = process.env.DATABASE_URL!;
  if (kind === 'postgres') {
    await runAdmin({ type: 'postgres', url }, `CREATE SCHEMA ${name}`);
    return {
      kind,
      // Every unqualified table name, the migrations table included, resolves in the test schema.
      options: { type: 'postgres', url, extra: { options: `-c search_path=${name}` } },
      url: withSearchPath(url, name),
      drop: () => runAdmin({ type: 'postgres', url }, `DROP SCHEMA ${name} CASCADE`),
    };
  }
  if (kind === 'mysql' || kind === 'mariadb') {
    await runAdmin({ type: kind, url }, `CREATE DATABASE ${name}`);
    const databaseUrl = new URL(url);
    databaseUrl.pathname = `/${name}`;
    return {
      kind,
      options: { type: kind, url: databaseUrl.toString() },
      url: databaseUrl.toString(),
      drop: () => runAdmin({ type: kind, url }, `DROP DATABASE ${name}`),
    };
  }
  throw new Error(`DATABASE_URL names an unsupported database "${kind}" for the tests.`);
}

async function runAdmin(options: DataSourceOptions, sql: string): Promise<void> {
  const admin = new DataSource(options);
  await admin.initialize();
  try {
    await admin.query(sql);
  } finally {
    await admin.destroy();
  }
}

/** Adds `options=-c search_path=<schema>` to a PostgreSQL URL; pg passes it to the server. */
function withSearchPath(url: string, schema: string): string {
  const parsed = new URL(url);
  parsed.searchParams.set('options', `-c search_path=${schema}`);
  return parsed.toString();
}
