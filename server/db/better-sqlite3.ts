import BetterSqlite3 from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { type Database, isUniqueMessage, type RunResult, type SqlValue, type Statement, UniqueViolation } from './port.ts';

/** Opens (creating its folder) a SQLite file tuned for a small always-on server. */
export function openSqlite(file: string): BetterSqlite3.Database {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const db = new BetterSqlite3(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  // Memory (issue 13), measured on 1M customers under the API load (npm run bench -- api-memory):
  // no memory map, since every mapped page a query touches counts in the process's RSS (a 1 GB map:
  // peak 119 → 157 MB, and fewer requests served); read() leaves them to the OS page cache. The
  // page cache stays at better-sqlite3's 16 MB: 4 MB saved ~15 MB of RSS but slowed the searches
  // (p50 ~1.7 → ~2.9 ms on the 1M rows, bench/search-index-db.ts measure, alternating runs).
  db.pragma('mmap_size = 0');
  db.pragma('cache_size = -16000');
  return db;
}

function translate(error: unknown): never {
  if (error instanceof Error && isUniqueMessage(error.message)) throw new UniqueViolation(error.message);
  throw error;
}

export function betterSqliteDatabase(db: BetterSqlite3.Database): Database {
  // Prepared statements are cached by SQL text: the same few dozen queries run all day.
  const cache = new Map<string, BetterSqlite3.Statement>();
  const prepare = (text: string): BetterSqlite3.Statement => {
    let statement = cache.get(text);
    if (!statement) {
      statement = db.prepare(text);
      cache.set(text, statement);
    }
    return statement;
  };
  const runOne = (text: string, params: readonly SqlValue[]): RunResult => {
    const statement = prepare(text);
    if (!statement.reader) return { changes: statement.run(...params).changes };
    statement.all(...params);
    return { changes: 0 };
  };
  const transaction = db.transaction((statements: readonly Statement[]) =>
    statements.map((s) => runOne(s.sql, s.params)),
  );
  // BEGIN IMMEDIATE: the write lock is taken first, waiting up to busy_timeout for another
  // process's writer (PORTE_WORKERS). A deferred BEGIN would read first, and its later upgrade to
  // a writer fails at once with SQLITE_BUSY if someone else committed meanwhile: no wait can help.
  return {
    async all<T>(text: string, params: readonly SqlValue[] = []) {
      try {
        return prepare(text).all(...params) as T[];
      } catch (error) {
        return translate(error);
      }
    },
    async get<T>(text: string, params: readonly SqlValue[] = []) {
      try {
        return prepare(text).get(...params) as T | undefined;
      } catch (error) {
        return translate(error);
      }
    },
    async run(text: string, params: readonly SqlValue[] = []) {
      try {
        return runOne(text, params);
      } catch (error) {
        return translate(error);
      }
    },
    async batch(statements: readonly Statement[]) {
      try {
        return transaction.immediate(statements);
      } catch (error) {
        return translate(error);
      }
    },
  };
}
