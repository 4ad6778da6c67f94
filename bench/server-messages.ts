/**
 * The messages between the benchmark and a server process it forked. The parent sends a
 * `ServerCommand` with an id, and the child replies with a `ServerReply` with the same id.
 */

/**
 * `module` is the demo app with nylas-connect; `floor` is the bare token-exchange handler on
 * `node:http`, and `nest-floor` the same handler in a minimal Nest app.
 */
export type ServerKind = 'module' | 'floor' | 'nest-floor';

/** Everything a server process needs, passed as JSON in its first argument. */
export interface ServerOptions {
  kind: ServerKind;
  /** `DATABASE_URL` of the demo app; unused by the floors. */
  databaseUrl: string;
  /**
   * Switches a SQLite database back to the rollback journal (better-sqlite3's default) after
   * start-up, for a what-if run that shows what the demo's write-ahead logging saves.
   */
  sqliteRollbackJournal?: boolean;
  emulatorUrl: string;
  jwksUri: string;
  issuer: string;
  clientId: string;
  apiKey: string;
  callbackUri: string;
}

export type ServerCommand =
  | { id: number; command: 'heap' }
  | { id: number; command: 'mark-queries' }
  | { id: number; command: 'read-queries' }
  | { id: number; command: 'clock' }
  | { id: number; command: 'cpu' }
  | { id: number; command: 'close' };

/** Heap after a forced full garbage collection, in bytes. */
export interface HeapReading {
  heapUsedBytes: number;
  rssBytes: number;
}

/** Statements counted by the demo app's data source. */
export interface QueryReading {
  queries: number;
  queryErrors: number;
  statements: string[];
}

export type ServerReply =
  | { id: number; ok: true; value: HeapReading | QueryReading | number | null }
  | { id: number; ok: false; message: string };

/** First message of a server process: where it listens, or why it could not start. */
export type ServerStartup = { ready: true; url: string } | { ready: false; message: string };
