import { randomBytes } from 'node:crypto';

import { DataSource } from 'typeorm';

/** The PostgreSQL server of the benchmark unless `BENCH_POSTGRES_URL` names another on 127.0.0.1. */
export const DEFAULT_POSTGRES_URL = 'postgres://postgres@127.0.0.1:5432/test';

/** A schema of the benchmark's own, and the `DATABASE_URL` that puts the demo app in it. */
export interface PostgresSchema {
  name: string;
  /** The server URL with `options=-c search_path=<schema>`, which pg passes to the server. */
  databaseUrl: string;
  drop(): Promise<void>;
}

/** Creates a fresh schema on the server at `serverUrl`; the migrations then create the tables inside it. */
export async function createPostgresSchema(serverUrl: string): Promise<PostgresSchema> {
  const host = new URL(serverUrl).hostname;
  if (host !== '127.0.0.1' && host !== 'localhost') {
    throw new Error(`The benchmark uses PostgreSQL on 127.0.0.1 only, got host ${host}`);
  }
  const name = `nylas_bench_${randomBytes(6).toString('hex')}`;
  await runStatement(serverUrl, `CREATE SCHEMA ${name}`);

  const databaseUrl = new URL(serverUrl);
  databaseUrl.searchParams.set('options', `-c search_path=${name}`);
  return { name, databaseUrl: databaseUrl.toString(), drop: () => runStatement(serverUrl, `DROP SCHEMA ${name} CASCADE`) };
}

async function runStatement(url: string, sql: string): Promise<void> {
  const admin = new DataSource({ type: 'postgres', url });
  await admin.initialize();
  try {
    await admin.query(sql);
  } finally {
    await admin.destroy();
  }
}
