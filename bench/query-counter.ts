import type { Logger } from 'typeorm';

/** Statements kept per recording, enough for one callback or one start. */
const MAX_RECORDED_STATEMENTS = 50;

/**
 * A TypeORM logger that counts the statements the data source sends, BEGIN and COMMIT included,
 * and records the text of those since the last `mark()`. Each counted statement is one round
 * trip to PostgreSQL, and one call into SQLite. It writes nothing.
 */
export class QueryCounter implements Logger {
  queries = 0;
  queryErrors = 0;
  private recorded: string[] = [];

  /** Starts a new recording and returns the count so far. */
  mark(): number {
    this.recorded = [];
    return this.queries;
  }

  /** Returns the statements sent since the last `mark()`. */
  recordedStatements(): string[] {
    return [...this.recorded];
  }

  logQuery(query: string): void {
    this.queries += 1;
    if (this.recorded.length < MAX_RECORDED_STATEMENTS) this.recorded.push(query);
  }

  logQueryError(): void {
    this.queryErrors += 1;
  }

  logQuerySlow(): void {}

  logSchemaBuild(): void {}

  logMigration(): void {}

  log(): void {}
}
