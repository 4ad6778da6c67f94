import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

import { NYLAS_CONNECT_ENTITIES, NYLAS_CONNECT_MIGRATIONS } from 'nestjs-nylas-connect';
import type { DataSourceOptions } from 'typeorm';

/** The value that selects an in-memory SQLite database: `sqlite::memory:`. */
const SQLITE_MEMORY = ':memory:';

/** Thrown when `DATABASE_URL` names no supported database or is malformed. */
export class InvalidDatabaseUrlError extends Error {
  constructor(detail: string) {
    super(
      `DATABASE_URL ${detail}. Use sqlite:<file> (for example sqlite:data/demo.sqlite), sqlite::memory:, ` +
        'postgres://user:password@host:5432/db, or mysql:// or mariadb:// with the same parts.',
    );
    this.name = 'InvalidDatabaseUrlError';
  }
}

/** A `DATABASE_URL` after checking, before anything is opened or created. */
export type ParsedDatabaseUrl =
  | { type: 'sqlite'; path: string }
  | { type: 'postgres' | 'mysql' | 'mariadb'; url: string };

/**
 * Checks a database URL without touching the disk or the network. Throws `InvalidDatabaseUrlError`.
 *
 * - `sqlite:<path>`: a file for better-sqlite3, relative to the working directory unless absolute.
 *   `sqlite:///abs/x.sqlite` and `sqlite:/abs/x.sqlite` both name `/abs/x.sqlite`.
 *   `sqlite::memory:` is an in-memory database.
 * - `postgres://` or `postgresql://`: through pg.
 * - `mysql://` or `mariadb://`: through mysql2.
 */
export function parseDatabaseUrl(databaseUrl: string): ParsedDatabaseUrl {
  const scheme = readScheme(databaseUrl);
  switch (scheme) {
    case 'sqlite':
      return { type: 'sqlite', path: sqlitePath(databaseUrl) };
    case 'postgres':
    case 'postgresql':
      checkServerUrl(databaseUrl);
      return { type: 'postgres', url: databaseUrl };
    case 'mysql':
    case 'mariadb':
      checkServerUrl(databaseUrl);
      return { type: scheme, url: databaseUrl };
    default:
      throw new InvalidDatabaseUrlError(`has the unsupported scheme "${scheme}:"`);
  }
}

/**
 * Builds the TypeORM options for a database URL, with the nylas-connect entities and migrations.
 * The demo app and `ormconfig.ts` (the TypeORM CLI) both use it, so the URL is parsed in one place.
 * `synchronize` is always off: the schema comes from the migrations. For a SQLite file, the
 * file's folder is created when missing, and the file uses write-ahead logging.
 */
export function createDataSourceOptions(databaseUrl: string): DataSourceOptions {
  const common = {
    entities: [...NYLAS_CONNECT_ENTITIES],
    migrations: [...NYLAS_CONNECT_MIGRATIONS],
    synchronize: false,
  };
  const parsed = parseDatabaseUrl(databaseUrl);

  switch (parsed.type) {
    case 'sqlite': {
      const database = prepareSqliteFile(parsed.path);
      // Write-ahead logging: a commit appends its pages to the log and syncs that one file. With
      // the default rollback journal, a commit writes and syncs a journal, then the database
      // file, and deletes the journal. docs/BENCHMARKS.md measures both. synchronous stays FULL,
      // so a commit is on disk when it returns. A database in memory has no log.
      return { type: 'better-sqlite3', database, enableWAL: database !== SQLITE_MEMORY, ...common };
    }
    case 'postgres':
      // pg reads the URL as a connection string, so parameters such as sslmode apply.
      return { type: 'postgres', url: parsed.url, ...common };
    case 'mysql':
    case 'mariadb':
      // NOTE: TypeORM 1.1 reads only user, password, host, port and database from a MySQL URL
      // and ignores its query parameters (such as ssl).
      return { type: parsed.type, url: parsed.url, ...common };
  }
}

/** Describes the database for logs without the password: `sqlite data/demo.sqlite`, `postgres db.example:5432/app`. */
export function describeDatabase(databaseUrl: string): string {
  const parsed = parseDatabaseUrl(databaseUrl);
  if (parsed.type === 'sqlite') return `sqlite ${parsed.path}`;

  const url = new URL(parsed.url);
  return `${parsed.type} ${url.host}${url.pathname}`;
}

function readScheme(databaseUrl: string): string {
  const match = /^([a-z][a-z0-9+.-]*):/i.exec(databaseUrl);
  if (!match) throw new InvalidDatabaseUrlError(`has no scheme: "${redact(databaseUrl)}"`);
  return match[1].toLowerCase();
}

function sqlitePath(databaseUrl: string): string {
  const rest = databaseUrl.slice('sqlite:'.length);
  const path = rest.startsWith('//') ? rest.slice(2) : rest;
  if (path === '') throw new InvalidDatabaseUrlError('names no SQLite file');
  return path;
}

function prepareSqliteFile(path: string): string {
  if (path === SQLITE_MEMORY) return SQLITE_MEMORY;

  const file = resolve(path);
  mkdirSync(dirname(file), { recursive: true });
  return file;
}

function checkServerUrl(databaseUrl: string): void {
  let url: URL;
  try {
    url = new URL(databaseUrl);
  } catch {
    throw new InvalidDatabaseUrlError(`is not a valid URL: "${redact(databaseUrl)}"`);
  }
  if (url.hostname === '') throw new InvalidDatabaseUrlError(`names no host: "${redact(databaseUrl)}"`);
  if (url.pathname.length <= 1) throw new InvalidDatabaseUrlError(`names no database: "${redact(databaseUrl)}"`);
}

/** Hides a password in `scheme://user:password@host` so that an error message never shows it. */
function redact(databaseUrl: string): string {
  return databaseUrl.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]*):[^@/]*@/i, '$1:***@');
}
