import type { ValueTransformer } from 'typeorm';

/**
 * Times are stored as Unix milliseconds in `bigint` columns: the same type and the same
 * comparisons on SQLite, PostgreSQL and MySQL, with no time zone conversion. PostgreSQL and
 * MySQL drivers return `bigint` as a string, so it is turned back into a number here.
 */
export const epochMsTransformer: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | number | null) => (value === null || value === undefined ? value : Number(value)),
};
