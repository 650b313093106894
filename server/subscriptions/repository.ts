import * as v from 'valibot';
import type { Database, SqlValue, Statement } from '../db/port.ts';
import { sql } from '../db/port.ts';

export const SUBSCRIPTION_STATUSES = ['incomplete', 'trialing', 'active', 'past_due', 'unpaid', 'canceled'] as const;
export type SubscriptionStatus = (typeof SUBSCRIPTION_STATUSES)[number];
export type CollectionMethod = 'charge_automatically' | 'send_invoice';

export interface Subscription {
  seq: number;
  id: string;
  merchantId: string;
  customerId: string;
  offerId: string;
  status: SubscriptionStatus;
  currentPeriodStart: string;
  currentPeriodEnd: string;
  trialEnd: string | null;
  cancelAtPeriodEnd: boolean;
  checkoutSessionId: string | null;
  createdAt: string;
  /** Optional on insert: charge_automatically, no due days, no invoice yet. */
  collectionMethod?: CollectionMethod;
  daysUntilDue?: number | null;
  canceledAt?: string | null;
  latestInvoice?: string | null;
  /** Periods are `anchor + k intervals`; on insert, defaults to trial end (cycle -1) or period start (cycle 0). */
  billingAnchor?: string;
  currentCycle?: number;
}

interface Row {
  seq: number;
  id: string;
  merchant_id: string;
  customer_id: string;
  offer_id: string;
  status: SubscriptionStatus;
  collection_method: CollectionMethod;
  days_until_due: number | null;
  current_period_start: string;
  current_period_end: string;
  trial_end: string | null;
  cancel_at_period_end: number;
  canceled_at: string | null;
  latest_invoice: string | null;
  billing_anchor: string;
  current_cycle: number;
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
  collectionMethod: r.collection_method,
  daysUntilDue: r.days_until_due,
  currentPeriodStart: r.current_period_start,
  currentPeriodEnd: r.current_period_end,
  trialEnd: r.trial_end,
  cancelAtPeriodEnd: r.cancel_at_period_end === 1,
  canceledAt: r.canceled_at,
  latestInvoice: r.latest_invoice,
  billingAnchor: r.billing_anchor,
  currentCycle: r.current_cycle,
  checkoutSessionId: r.checkout_session_id,
  createdAt: r.created_at,
});

export const subscriptionOut = v.object({
  id: v.string(),
  object: v.literal('subscription'),
  customer: v.string(),
  offer: v.string(),
  status: v.picklist(SUBSCRIPTION_STATUSES),
  collection_method: v.picklist(['charge_automatically', 'send_invoice']),
  days_until_due: v.nullable(v.number()),
  current_period_start: v.string(),
  current_period_end: v.string(),
  trial_end: v.nullable(v.string()),
  cancel_at_period_end: v.boolean(),
  canceled_at: v.nullable(v.string()),
  latest_invoice: v.nullable(v.string()),
  created_at: v.string(),
});

export const toJson = (s: Subscription): v.InferOutput<typeof subscriptionOut> => ({
  id: s.id,
  object: 'subscription',
  customer: s.customerId,
  offer: s.offerId,
  status: s.status,
  collection_method: s.collectionMethod ?? 'charge_automatically',
  days_until_due: s.daysUntilDue ?? null,
  current_period_start: s.currentPeriodStart,
  current_period_end: s.currentPeriodEnd,
  trial_end: s.trialEnd,
  cancel_at_period_end: s.cancelAtPeriodEnd,
  canceled_at: s.canceledAt ?? null,
  latest_invoice: s.latestInvoice ?? null,
  created_at: s.createdAt,
});

/** Statuses that still renew: the billing run looks at these only. */
export const RENEWING: readonly SubscriptionStatus[] = ['trialing', 'active', 'past_due'];

export function subscriptionRepository(db: Database) {
  return {
    async byId(merchantId: string, id: string): Promise<Subscription | undefined> {
      const row = await db.get<Row>('SELECT * FROM subscriptions WHERE merchant_id = ? AND id = ?', [merchantId, id]);
      return row && fromRow(row);
    },
    async list(merchantId: string, opts: { limit: number; afterSeq?: number; customerId?: string; status?: SubscriptionStatus }): Promise<Subscription[]> {
      const params: SqlValue[] = [merchantId];
      let where = 'merchant_id = ?';
      if (opts.customerId) {
        where += ' AND customer_id = ?';
        params.push(opts.customerId);
      }
      if (opts.status) {
        where += ' AND status = ?';
        params.push(opts.status);
      }
      if (opts.afterSeq !== undefined) {
        where += ' AND seq < ?';
        params.push(opts.afterSeq);
      }
      params.push(opts.limit);
      return (await db.all<Row>(`SELECT * FROM subscriptions WHERE ${where} ORDER BY seq DESC LIMIT ?`, params)).map(fromRow);
    },
    /** Renewing subscriptions whose period (or trial) has ended at `now`: the billing run's work. */
    async due(merchantId: string, now: string, limit: number): Promise<Subscription[]> {
      return (
        await db.all<Row>(
          `SELECT * FROM subscriptions WHERE merchant_id = ? AND status IN ('trialing', 'active', 'past_due') AND current_period_end <= ?
           ORDER BY current_period_end LIMIT ?`,
          [merchantId, now, limit],
        )
      ).map(fromRow);
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
      const anchor = s.billingAnchor ?? s.trialEnd ?? s.currentPeriodStart;
      const cycle = s.currentCycle ?? (s.trialEnd && s.status === 'trialing' ? -1 : 0);
      return sql(
        `INSERT INTO subscriptions (id, merchant_id, customer_id, offer_id, status, collection_method, days_until_due, current_period_start,
           current_period_end, trial_end, cancel_at_period_end, canceled_at, latest_invoice, billing_anchor, current_cycle,
           checkout_session_id, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        s.id, s.merchantId, s.customerId, s.offerId, s.status, s.collectionMethod ?? 'charge_automatically', s.daysUntilDue ?? null,
        s.currentPeriodStart, s.currentPeriodEnd, s.trialEnd, s.cancelAtPeriodEnd ? 1 : 0, s.canceledAt ?? null, s.latestInvoice ?? null,
        anchor, cycle, s.checkoutSessionId, s.createdAt, s.createdAt,
      );
    },
  };
}
