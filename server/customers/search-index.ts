import type { Database } from '../db/port.ts';
import { sql } from '../db/port.ts';

/**
 * The customer search index (FTS5, migrations 0016 and 0017) is filled after the write, not inside
 * it: a creation's own transaction stays small, and a chunk of rows indexed in one transaction
 * writes one FTS5 segment instead of one per customer. Every customer with seq above
 * `search_index_state.indexed_seq` is waiting; updates and deletes of rows already indexed keep
 * the index right by trigger.
 *
 * Two callers: the search loop (Node loop, Workers cron) keeps the backlog near zero, and a
 * search catches up first, so it finds a customer created a moment before.
 */
export const SEARCH_INDEX_CHUNK = 500;

const PENDING = 'SELECT 1 AS pending FROM customers WHERE seq > (SELECT indexed_seq FROM search_index_state WHERE id = 1) LIMIT 1';

/**
 * Indexes the next `chunk` waiting customers in one atomic batch (a transaction on Node, a batch on
 * D1). Both statements read the watermark inside the batch, so two processes catching up at once
 * index each row once: the second one finds the watermark already moved. Returns how many it indexed.
 */
export async function indexChunk(db: Database, chunk = SEARCH_INDEX_CHUNK): Promise<number> {
  const [inserted] = await db.batch([
    sql(
      `INSERT INTO customers_fts (rowid, email, first_name, last_name, company, reference)
       SELECT seq, email, first_name, last_name, company, reference FROM customers
       WHERE seq > (SELECT indexed_seq FROM search_index_state WHERE id = 1) ORDER BY seq LIMIT ?`,
      chunk,
    ),
    sql(
      `UPDATE search_index_state SET indexed_seq = COALESCE(
         (SELECT MAX(seq) FROM (SELECT seq FROM customers WHERE seq > search_index_state.indexed_seq ORDER BY seq LIMIT ?)),
         indexed_seq)
       WHERE id = 1`,
      chunk,
    ),
  ]);
  return inserted?.changes ?? 0;
}

/**
 * The loop's pace: small chunks, and a turn of the event loop between them. On Node the SQL runs
 * on the request thread, and one 500-row chunk (with FTS5's merge work) held it 10-30 ms: requests
 * arriving then waited, which showed as the p99 of checkout at 300/s (24 → 40-50 ms).
 */
export const SEARCH_LOOP = { chunk: 100, maxChunks: 100, yieldBetween: true } as const;

/**
 * Indexes what is waiting, at most `maxChunks` chunks of `chunk` rows (the loop's bound per tick;
 * a search passes none and catches up fully, at once). The first read costs one index lookup when
 * nothing waits, and takes no write lock then.
 */
export async function catchUpSearchIndex(db: Database, opts: { maxChunks?: number; chunk?: number; yieldBetween?: boolean } = {}): Promise<number> {
  let indexed = 0;
  for (let i = 0; i < (opts.maxChunks ?? Number.POSITIVE_INFINITY); i++) {
    if (i > 0 && opts.yieldBetween) await new Promise((resolve) => setTimeout(resolve, 0));
    if (!(await db.get(PENDING))) break;
    const n = await indexChunk(db, opts.chunk);
    indexed += n;
    if (n === 0) break;
  }
  return indexed;
}
