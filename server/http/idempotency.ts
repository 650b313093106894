import type { MiddlewareHandler } from 'hono';
import { sql } from '../db/port.ts';
import { sha256Hex } from '../lib/crypto.ts';
import type { AppEnv } from './env.ts';
import { ApiError } from './errors.ts';

const DAY_MS = 24 * 60 * 60 * 1000;
/** A pending key older than this belongs to a request that died (crash): another may take it over. Config: `recoveryMs`. */
const ABANDONED_MS = 60 * 1000;

interface KeyRow {
  request_hash: string;
  applied: number;
  status: 'pending' | 'done';
  response_status: number | null;
  response_body: string | null;
  created_at: string;
}

const idempotencyError = (status: 400 | 409, code: string, message: string) =>
  new ApiError(status, 'idempotency_error', code, message, 'Idempotency-Key');

/**
 * `Idempotency-Key` on POST: the first request inserts a pending row (the lock), runs, and stores
 * its response; the same key and body within 24 h replays it; another body is a 400; a request
 * arriving while the first still runs gets a 409. 5xx responses are not kept, so a retry can succeed.
 */
export const idempotency: MiddlewareHandler<AppEnv> = async (c, next) => {
  const key = c.req.header('Idempotency-Key');
  if (c.req.method !== 'POST' || key === undefined) return next();
  if (key.length < 1 || key.length > 255) {
    throw new ApiError(400, 'invalid_request_error', 'parameter_invalid', 'Idempotency-Key must be 1 to 255 characters.', 'Idempotency-Key');
  }
  const { db, clock } = c.var.deps;
  const merchantId = c.var.merchant.id;
  const now = clock();
  const hash = await sha256Hex(`${c.req.method} ${c.req.path}\n${await c.req.text()}`);
  const expired = new Date(now.getTime() - DAY_MS).toISOString();
  const abandoned = new Date(now.getTime() - (c.var.deps.config.recoveryMs ?? ABANDONED_MS)).toISOString();

  // An abandoned key may be taken over only if its request never wrote anything (applied = 0).
  await db.run(
    `DELETE FROM idempotency_keys WHERE merchant_id = ? AND key = ?
       AND (created_at < ? OR (status = 'pending' AND applied = 0 AND created_at < ?))`,
    [merchantId, key, expired, abandoned],
  );
  const claimed = await db.run(
    `INSERT OR IGNORE INTO idempotency_keys (merchant_id, key, request_hash, status, created_at)
     VALUES (?, ?, ?, 'pending', ?)`,
    [merchantId, key, hash, now.toISOString()],
  );
  if (claimed.changes === 0) {
    const row = await db.get<KeyRow>('SELECT * FROM idempotency_keys WHERE merchant_id = ? AND key = ?', [merchantId, key]);
    if (!row) throw idempotencyError(409, 'idempotency_key_in_use', 'This Idempotency-Key is being used by another request; retry shortly.');
    if (row.request_hash !== hash) {
      throw idempotencyError(400, 'idempotency_key_reused', 'This Idempotency-Key was already used with a different request.');
    }
    if (row.status === 'pending' && row.applied === 1 && row.created_at < abandoned) {
      throw idempotencyError(
        409,
        'idempotency_key_applied',
        'The request with this Idempotency-Key was applied, but its response was lost (the server stopped). It will not be applied twice: look the result up instead of retrying.',
      );
    }
    if (row.status === 'pending') {
      throw idempotencyError(409, 'idempotency_key_in_use', 'A request with this Idempotency-Key is still in progress; retry shortly.');
    }
    return c.body(row.response_body ?? '', (row.response_status ?? 200) as 200, {
      'Content-Type': 'application/json',
      'Idempotent-Replayed': 'true',
    });
  }

  // Every batch this request writes also marks the key applied, atomically with the write.
  const deps = c.var.deps;
  const marker = sql('UPDATE idempotency_keys SET applied = 1 WHERE merchant_id = ? AND key = ?', merchantId, key);
  c.set('deps', { ...deps, db: { ...db, batch: (statements) => db.batch([...statements, marker]) } });
  await next();
  c.set('deps', deps);
  if (c.res.status >= 500) {
    // Nothing was written (or it was, and the key stays to say so): a retry may run again only then.
    await db.run('DELETE FROM idempotency_keys WHERE merchant_id = ? AND key = ? AND applied = 0', [merchantId, key]);
    return;
  }
  await db.run(
    `UPDATE idempotency_keys SET status = 'done', response_status = ?, response_body = ?
     WHERE merchant_id = ? AND key = ?`,
    [c.res.status, await c.res.clone().text(), merchantId, key],
  );
};
