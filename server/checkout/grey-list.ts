import { activityStatement } from '../activity/repository.ts';
import { toJson } from '../customers/repository.ts';
import type { Customer } from '../customers/repository.ts';
import type { Database, Statement } from '../db/port.ts';
import { sql } from '../db/port.ts';
import { eventStatement } from '../events/outbox.ts';

/** ProAbono's grey list: after this many failed payment-form attempts in an hour, the form is refused. */
export const GREY_LIST_THRESHOLD = 5;
const WINDOW_MS = 60 * 60 * 1000;

/**
 * Only what the gateway refused counts as an attempt (declined, failed authentication): a mistyped
 * expiry or card number is the customer's typo, not card testing, and must not lock them out.
 */
export const countsAsAttempt = (code: 'card_declined' | 'invalid_details' | 'authentication_failed'): boolean => code !== 'invalid_details';

export interface AttemptKey {
  merchantId: string;
  customerId: string | null;
  email: string | null;
  ip: string | null;
}

/**
 * Failures in the window, by the customer's own record, their email, and the address. The address
 * counts only for strangers: a known customer (customerId set) behind an address where others
 * failed — an office, a mobile carrier's NAT — is judged on their own record and email.
 */
async function failuresSince(db: Database, key: AttemptKey, since: string): Promise<number> {
  const ip = key.customerId ? null : key.ip;
  const row = await db.get<{ n: number }>(
    `SELECT MAX(
       (SELECT COUNT(*) FROM payment_attempts WHERE merchant_id = ? AND succeeded = 0 AND created_at >= ? AND customer_id = ?),
       (SELECT COUNT(*) FROM payment_attempts WHERE merchant_id = ? AND succeeded = 0 AND created_at >= ? AND email = ?),
       (SELECT COUNT(*) FROM payment_attempts WHERE merchant_id = ? AND succeeded = 0 AND created_at >= ? AND ip = ?)
     ) AS n`,
    [key.merchantId, since, key.customerId, key.merchantId, since, key.email, key.merchantId, since, ip],
  );
  return row?.n ?? 0;
}

/**
 * Where the counting window starts: an hour ago, or later if the merchant has since removed this
 * customer from the grey list (PATCH grey_listed: false) — the failures that listed it are forgiven.
 */
async function windowStart(db: Database, key: AttemptKey, customer: Customer | undefined, now: Date): Promise<string> {
  const hourAgo = new Date(now.getTime() - WINDOW_MS).toISOString();
  if (!customer) return hourAgo;
  const row = await db.get<{ at: string | null }>(
    "SELECT MAX(created_at) AS at FROM activity WHERE merchant_id = ? AND customer_id = ? AND type = 'customer.grey_list_removed'",
    [key.merchantId, customer.id],
  );
  return row?.at && row.at > hourAgo ? row.at : hourAgo;
}

export async function isRestricted(db: Database, key: AttemptKey, customer: Customer | undefined, now: Date): Promise<boolean> {
  if (customer?.greyListed) return true;
  return (await failuresSince(db, key, await windowStart(db, key, customer, now))) >= GREY_LIST_THRESHOLD;
}

/**
 * Records a failed attempt; at the threshold, an existing customer is grey-listed in the same
 * batch (event + activity). Returns whether the form is now restricted.
 */
export async function recordFailure(db: Database, key: AttemptKey, customer: Customer | undefined, now: Date): Promise<boolean> {
  const at = now.toISOString();
  await db.run('INSERT INTO payment_attempts (merchant_id, customer_id, email, ip, succeeded, created_at) VALUES (?, ?, ?, ?, 0, ?)', [
    key.merchantId,
    key.customerId,
    key.email,
    key.ip,
    at,
  ]);
  const restricted = (await failuresSince(db, key, await windowStart(db, key, customer, now))) >= GREY_LIST_THRESHOLD;
  if (restricted && customer && !customer.greyListed) {
    const listed = { ...customer, greyListed: true, updatedAt: at };
    const statements: Statement[] = [
      sql('UPDATE customers SET grey_listed = 1, updated_at = ? WHERE id = ? AND grey_listed = 0', at, customer.id),
      activityStatement(key.merchantId, customer.id, 'customer.grey_listed', { by: 'payment_failures' }, at),
      eventStatement(key.merchantId, 'customer.grey_listed', toJson(listed), at),
    ];
    await db.batch(statements);
  }
  return restricted;
}
