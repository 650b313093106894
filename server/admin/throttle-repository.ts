import type { Database, SqlValue, Statement } from '../db/port.ts';
import { sql } from '../db/port.ts';

/** How tries are allowed: `free` tries, then a wait of `baseMs` doubling with each further try, at most `maxMs`. */
export interface ThrottlePolicy {
  free: number;
  baseMs: number;
  maxMs: number;
}

const TABLE = 'admin_login_throttle';

/** The row's next `next_at` once this try is counted: no wait below `free`, then base·2^(n−free), capped. */
const nextAt = (p: ThrottlePolicy, now: number): [string, SqlValue[]] => [
  'CASE WHEN failures + 1 < ? THEN ? ELSE ? + min(? << min(failures + 1 - ?, 30), ?) END',
  [p.free, now, now, p.baseMs, p.free, p.maxMs],
];

/**
 * The login throttle's rows (see migrations/0012). Every decision is taken inside the database by
 * guarded upserts in one batch, never by reading first: parallel tries are serialized there.
 */
export function throttleRepository(db: Database) {
  return {
    /**
     * Counts one try against the address's row and the (address, email) row, both or neither:
     * the address row moves only while neither row makes the try wait; the pair row moves only if
     * the address row took this very try. The pair statement changes one row exactly when the try
     * may be checked. Rows idle for `forgetMs` after their wait are forgotten first.
     */
    countTry(o: { ip: string; email: string; attempt: string; now: number; forgetMs: number; address: ThrottlePolicy; pair: ThrottlePolicy }): Statement[] {
      const pairWaiting = `EXISTS (SELECT 1 FROM ${TABLE} AS p WHERE p.ip = ? AND p.kind = 'pair' AND p.email = ? AND p.next_at > ?)`;
      const tookThisTry = `EXISTS (SELECT 1 FROM ${TABLE} AS a WHERE a.ip = ? AND a.kind = 'address' AND a.email = '' AND a.attempt = ?)`;
      const [addressNext, addressNextParams] = nextAt(o.address, o.now);
      const [pairNext, pairNextParams] = nextAt(o.pair, o.now);
      return [
        sql(`DELETE FROM ${TABLE} WHERE next_at < ?`, o.now - o.forgetMs),
        sql(
          `INSERT INTO ${TABLE} (ip, kind, email, failures, next_at, attempt)
           SELECT ?, 'address', '', 1, ?, ? WHERE NOT ${pairWaiting}
           ON CONFLICT (ip, kind, email) DO UPDATE SET failures = failures + 1, next_at = ${addressNext}, attempt = excluded.attempt
           WHERE next_at <= ? AND NOT ${pairWaiting}`,
          o.ip, o.now, o.attempt, o.ip, o.email, o.now,
          ...addressNextParams,
          o.now, o.ip, o.email, o.now,
        ),
        sql(
          `INSERT INTO ${TABLE} (ip, kind, email, failures, next_at, attempt)
           SELECT ?, 'pair', ?, 1, ?, ? WHERE ${tookThisTry}
           ON CONFLICT (ip, kind, email) DO UPDATE SET failures = failures + 1, next_at = ${pairNext}, attempt = excluded.attempt
           WHERE next_at <= ? AND ${tookThisTry}`,
          o.ip, o.email, o.now, o.attempt, o.ip, o.attempt,
          ...pairNextParams,
          o.now, o.ip, o.attempt,
        ),
      ];
    },

    /** The latest moment either row makes tries wait until (epoch ms), or 0. Only for telling the user. */
    async waitUntil(ip: string, email: string): Promise<number> {
      const row = await db.get<{ until: number | null }>(
        `SELECT MAX(next_at) AS until FROM ${TABLE} WHERE ip = ? AND ((kind = 'address' AND email = '') OR (kind = 'pair' AND email = ?))`,
        [ip, email],
      );
      return row?.until ?? 0;
    },

    /**
     * A right password: the address gets back every try this email made from it (people behind one
     * office address mistyping their own password are not guessing), lifting its wait if that
     * brings it under the allowance; then the pair starts afresh.
     */
    succeeded(o: { ip: string; email: string; now: number; address: ThrottlePolicy }): Statement[] {
      const pairTries = `COALESCE((SELECT p.failures FROM ${TABLE} AS p WHERE p.ip = ? AND p.kind = 'pair' AND p.email = ?), 1)`;
      return [
        sql(
          `UPDATE ${TABLE} SET failures = max(failures - ${pairTries}, 0),
             next_at = CASE WHEN failures - ${pairTries} < ? THEN min(next_at, ?) ELSE next_at END
           WHERE ip = ? AND kind = 'address' AND email = ''`,
          o.ip, o.email, o.ip, o.email, o.address.free, o.now, o.ip,
        ),
        sql(`DELETE FROM ${TABLE} WHERE ip = ? AND kind = 'pair' AND email = ?`, o.ip, o.email),
      ];
    },
  };
}
