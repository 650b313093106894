/**
 * The database port: the one seam between Porte and its SQL engine.
 * Async so both better-sqlite3 (sync under the hood) and D1 fit. `batch` is the only way to make
 * several writes atomic: a transaction on Node, `D1Database.batch` on Workers (D1 has no BEGIN).
 */
export type SqlValue = string | number | null;

export interface Statement {
  readonly sql: string;
  readonly params: readonly SqlValue[];
}

export interface RunResult {
  readonly changes: number;
}

export interface Database {
  all<T>(sql: string, params?: readonly SqlValue[]): Promise<T[]>;
  get<T>(sql: string, params?: readonly SqlValue[]): Promise<T | undefined>;
  run(sql: string, params?: readonly SqlValue[]): Promise<RunResult>;
  /** Runs every statement or none. */
  batch(statements: readonly Statement[]): Promise<RunResult[]>;
}

export const sql = (text: string, ...params: SqlValue[]): Statement => ({ sql: text, params });

/** Raised by adapters when a UNIQUE constraint fails, so services can answer 409/400 instead of 500. */
export class UniqueViolation extends Error {
  constructor(readonly detail: string) {
    super(`unique constraint failed: ${detail}`);
  }
}

export function isUniqueMessage(message: string): boolean {
  return message.includes('UNIQUE constraint failed');
}
