import * as v from 'valibot';
import type { Database, SqlValue, Statement } from '../db/port.ts';
import { sql } from '../db/port.ts';

export interface Subscription {
  seq: number;
  id: string;
  merchantId: string;
  customerId: string;
  offerId: string;
  status: 'trialing' | 'active' | 'canceled';
  currentPeriodStart: string;
  currentPeriodEnd: string;
  trialEnd: string | null;
  cancelAtPeriodEnd: boolean;
  checkoutSessionId: string | null;
  createdAt: string;
}

interface Row {
  seq: number;
  id: string;
  merchant_id: string;
  customer_id: string;
  offer_id: string;
  status: Subscription['status'];
  current_period_start: string;
  current_period_end: string;
  trial_end: string | null;
  cancel_at_period_end: number;
  checkout_session_id: string | null;
  created_at: string;
}

const fromRow = (r: Row): Subscription => ({
  seq: r.seq,
  id: r.id,
  merchantId: r.merchant_id,
  customerId: r.customer_id,
  offerId: r.offer_id,
  status: r.status,
  currentPeriodStart: r.current_period_start,
  currentPeriodEnd: r.current_period_end,
  trialEnd: r.trial_end,
  cancelAtPeriodEnd: r.cancel_at_period_end === 1,
  checkoutSessionId: r.checkout_session_id,
  createdAt: r.created_at,
});

export const subscriptionOut = v.object({
  id: v.string(),
  object: v.literal('subscription'),
  customer: v.string(),
  offer: v.string(),
  status: v.picklist(['trialing', 'active', 'canceled']),
  current_period_start: v.string(),
  current_period_end: v.string(),
  trial_end: v.nullable(v.string()),
  cancel_at_period_end: v.boolean(),
  created_at: v.string(),
});

export const toJson = (s: Subscription): v.InferOutput<typeof subscriptionOut> => ({
  id: s.id,
  object: 'subscription',
  customer: s.customerId,
  offer: s.offerId,
  status: s.status,
  current_period_start: s.currentPeriodStart,
  current_period_end: s.currentPeriodEnd,
  trial_end: s.trialEnd,
  cancel_at_period_end: s.cancelAtPeriodEnd,
  created_at: s.createdAt,
});

export function subscriptionRepository(db: Database) {
  return {
    async byId(merchantId: string, id: string): Promise<Subscription | undefined> {
      const row = await db.get<Row>('SELECT * FROM subscriptions WHERE merchant_id = ? AND id = ?', [merchantId, id]);
      return row && fromRow(row);
    },
    async list(merchantId: string, opts: { limit: number; afterSeq?: number; customerId?: string }): Promise<Subscription[]> {
      const params: SqlValue[] = [merchantId];
      let where = 'merchant_id = ?';
      if (opts.customerId) {
        where += ' AND customer_id = ?';
        params.push(opts.customerId);
      }
      if (opts.afterSeq !== undefined) {
        where += ' AND seq < ?';
        params.push(opts.afterSeq);
      }
      params.push(opts.limit);
      return (await db.all<Row>(`SELECT * FROM subscriptions WHERE ${where} ORDER BY seq DESC LIMIT ?`, params)).map(fromRow);
    },
    /**
     * Each listed customer's current subscription (a live one before a canceled one, then the
     * newest) with its offer's name: one query for a whole page of the back-office list.
     */
    async currentForCustomers(merchantId: string, customerIds: readonly string[]): Promise<Map<string, { status: Subscription['status']; offerName: string }>> {
      const current = new Map<string, { status: Subscription['status']; offerName: string }>();
      if (customerIds.length === 0) return current;
      const rows = await db.all<{ customer_id: string; status: Subscription['status']; offer_name: string }>(
        `SELECT s.customer_id, s.status, o.name AS offer_name FROM subscriptions s JOIN offers o ON o.id = s.offer_id
         WHERE s.merchant_id = ? AND s.customer_id IN (${customerIds.map(() => '?').join(', ')})
         ORDER BY s.status = 'canceled', s.seq DESC`,
        [merchantId, ...customerIds],
      );
      for (const r of rows) if (!current.has(r.customer_id)) current.set(r.customer_id, { status: r.status, offerName: r.offer_name });
      return current;
    },
    insert(s: Subscription): Statement {
      return sql(
        `INSERT INTO subscriptions (id, merchant_id, customer_id, offer_id, status, current_period_start,
           current_period_end, trial_end, cancel_at_period_end, checkout_session_id, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        s.id, s.merchantId, s.customerId, s.offerId, s.status, s.currentPeriodStart, s.currentPeriodEnd,
        s.trialEnd, s.cancelAtPeriodEnd ? 1 : 0, s.checkoutSessionId, s.createdAt, s.createdAt,
      );
    },
  };
}
