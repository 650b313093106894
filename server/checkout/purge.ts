import type { Database } from '../db/port.ts';

/**
 * How long an expired, never-completed checkout session (and the gateway state kept in it) stays
 * before it is deleted: long enough to answer "what happened to my checkout?", short enough that
 * abandoned sessions cannot grow the database without bound. Completed sessions are kept: they
 * link customers and subscriptions to how they were sold.
 */
export const SESSION_RETENTION_MS = 30 * 24 * 60 * 60 * 1000;
/** Grey-list counters look back an hour; older attempts are kept as long as sessions, then dropped. */
export const ATTEMPT_RETENTION_MS = SESSION_RETENTION_MS;

export interface PurgeOptions {
  /** Rows per DELETE: short statements, so a large backlog never holds the writer for long. */
  chunk?: number;
  /** Chunks per run: the rest waits for the next tick. */
  maxChunks?: number;
}

async function drain(db: Database, statement: string, cutoff: string, chunk: number, maxChunks: number): Promise<number> {
  let total = 0;
  for (let i = 0; i < maxChunks; i++) {
    const { changes } = await db.run(statement, [cutoff, chunk]);
    total += changes;
    if (changes < chunk) break;
  }
  return total;
}

/**
 * Deletes open sessions expired for longer than the retention, and old payment attempts. A drain
 * like the webhook delivery: run by the Node loop and the Workers cron, driven by the injected
 * clock, chunked, and idempotent (two runners deleting the same rows is harmless).
 */
export async function purgeExpired(db: Database, clock: () => Date, options: PurgeOptions = {}): Promise<{ sessions: number; attempts: number }> {
  const chunk = options.chunk ?? 500;
  const maxChunks = options.maxChunks ?? 20;
  const now = clock().getTime();
  const sessions = await drain(
    db,
    `DELETE FROM checkout_sessions WHERE status = 'open' AND seq IN (
       SELECT seq FROM checkout_sessions WHERE status = 'open' AND expires_at < ? ORDER BY expires_at LIMIT ?)`,
    new Date(now - SESSION_RETENTION_MS).toISOString(),
    chunk,
    maxChunks,
  );
  const attempts = await drain(
    db,
    'DELETE FROM payment_attempts WHERE seq IN (SELECT seq FROM payment_attempts WHERE created_at < ? ORDER BY created_at LIMIT ?)',
    new Date(now - ATTEMPT_RETENTION_MS).toISOString(),
    chunk,
    maxChunks,
  );
  return { sessions, attempts };
}
