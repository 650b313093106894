import type { D1Database } from '@cloudflare/workers-types';
import { type Database, isUniqueMessage, type SqlValue, type Statement, UniqueViolation } from './port.ts';

function translate(error: unknown): never {
  const message = error instanceof Error ? `${error.message} ${String(error.cause ?? '')}` : String(error);
  if (isUniqueMessage(message)) throw new UniqueViolation(message);
  throw error;
}

/** D1 adapter. `batch` maps to D1's own batch, which D1 runs as one implicit transaction. */
export function d1Database(d1: D1Database): Database {
  const bind = (text: string, params: readonly SqlValue[]) => d1.prepare(text).bind(...params);
  return {
    async all<T>(text: string, params: readonly SqlValue[] = []) {
      try {
        return (await bind(text, params).all<T>()).results;
      } catch (error) {
        return translate(error);
      }
    },
    async get<T>(text: string, params: readonly SqlValue[] = []) {
      try {
        return (await bind(text, params).first<T>()) ?? undefined;
      } catch (error) {
        return translate(error);
      }
    },
    async run(text: string, params: readonly SqlValue[] = []) {
      try {
        return { changes: (await bind(text, params).run()).meta.changes ?? 0 };
      } catch (error) {
        return translate(error);
      }
    },
    async batch(statements: readonly Statement[]) {
      if (statements.length === 0) return [];
      try {
        const results = await d1.batch(statements.map((s) => bind(s.sql, s.params)));
        return results.map((r) => ({ changes: r.meta.changes ?? 0 }));
      } catch (error) {
        return translate(error);
      }
    },
  };
}
