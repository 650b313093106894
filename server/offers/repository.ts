import type { Database, SqlValue, Statement } from '../db/port.ts';
import { sql } from '../db/port.ts';
import type { Interval, OfferJson, OfferTranslations, TaxBehavior } from './schema.ts';

export interface Offer {
  seq: number;
  id: string;
  merchantId: string;
  reference: string;
  name: string;
  description: string | null;
  currency: string;
  amountUpfront: number;
  recurring: { amount: number; interval: Interval; intervalCount: number };
  trial: { days: number; amount: number };
  features: string[];
  /** Name, description and features per locale (`fr`), falling back to the fields above. */
  translations: OfferTranslations;
  visible: boolean;
  /** Whether the amounts include VAT (part of the price: frozen once the offer is in use). */
  taxBehavior: TaxBehavior;
  createdAt: string;
  updatedAt: string;
}

interface OfferRow {
  seq: number;
  id: string;
  merchant_id: string;
  reference: string;
  name: string;
  description: string | null;
  currency: string;
  amount_upfront: number;
  recurring_amount: number;
  recurring_interval: Interval;
  recurring_interval_count: number;
  trial_days: number;
  trial_amount: number;
  features: string;
  translations?: string;
  visible: number;
  tax_behavior?: string;
  created_at: string;
  updated_at: string;
}

const fromRow = (r: OfferRow): Offer => ({
  seq: r.seq,
  id: r.id,
  merchantId: r.merchant_id,
  reference: r.reference,
  name: r.name,
  description: r.description,
  currency: r.currency,
  amountUpfront: r.amount_upfront,
  recurring: { amount: r.recurring_amount, interval: r.recurring_interval, intervalCount: r.recurring_interval_count },
  trial: { days: r.trial_days, amount: r.trial_amount },
  features: JSON.parse(r.features) as string[],
  translations: JSON.parse(r.translations ?? '{}') as OfferTranslations,
  visible: r.visible === 1,
  taxBehavior: r.tax_behavior === 'exclusive' ? 'exclusive' : 'inclusive',
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export const toJson = (o: Offer): OfferJson => ({
  id: o.id,
  object: 'offer',
  reference: o.reference,
  name: o.name,
  description: o.description,
  currency: o.currency,
  amount_upfront: o.amountUpfront,
  recurring: { amount: o.recurring.amount, interval: o.recurring.interval, interval_count: o.recurring.intervalCount },
  trial: { days: o.trial.days, amount: o.trial.amount },
  features: o.features,
  translations: o.translations,
  visible: o.visible,
  tax_behavior: o.taxBehavior,
  created_at: o.createdAt,
});

const columns = (o: Offer): SqlValue[] => [
  o.reference,
  o.name,
  o.description,
  o.currency,
  o.amountUpfront,
  o.recurring.amount,
  o.recurring.interval,
  o.recurring.intervalCount,
  o.trial.days,
  o.trial.amount,
  JSON.stringify(o.features),
  o.visible ? 1 : 0,
  o.updatedAt,
  JSON.stringify(o.translations),
  o.taxBehavior,
];

/** Any subscription, even canceled, still shows what it was bought at: so its offer's price is frozen. */
export const offerInUse = (offerId: string): Statement => sql('SELECT 1 FROM subscriptions WHERE offer_id = ? LIMIT 1', offerId);

export function offerRepository(db: Database) {
  return {
    async byId(merchantId: string, id: string): Promise<Offer | undefined> {
      const row = await db.get<OfferRow>('SELECT * FROM offers WHERE merchant_id = ? AND id = ?', [merchantId, id]);
      return row && fromRow(row);
    },
    async byReference(merchantId: string, reference: string): Promise<Offer | undefined> {
      const row = await db.get<OfferRow>('SELECT * FROM offers WHERE merchant_id = ? AND reference = ?', [merchantId, reference]);
      return row && fromRow(row);
    },
    /** The merchant's offers among `ids`, in no particular order (missing ids are simply absent). */
    async byIds(merchantId: string, ids: readonly string[]): Promise<Offer[]> {
      if (ids.length === 0) return [];
      const rows = await db.all<OfferRow>(
        `SELECT * FROM offers WHERE merchant_id = ? AND id IN (${ids.map(() => '?').join(', ')})`,
        [merchantId, ...ids],
      );
      return rows.map(fromRow);
    },
    /** The same by reference: pricing tables are written with references. */
    async byReferences(merchantId: string, references: readonly string[]): Promise<Offer[]> {
      if (references.length === 0) return [];
      const rows = await db.all<OfferRow>(
        `SELECT * FROM offers WHERE merchant_id = ? AND reference IN (${references.map(() => '?').join(', ')})`,
        [merchantId, ...references],
      );
      return rows.map(fromRow);
    },
    /** Newest first; `afterSeq` continues a page; `visible` filters when given. */
    async list(merchantId: string, opts: { limit: number; afterSeq?: number; visible?: boolean }): Promise<Offer[]> {
      const params: SqlValue[] = [merchantId];
      let where = 'merchant_id = ?';
      if (opts.afterSeq !== undefined) {
        where += ' AND seq < ?';
        params.push(opts.afterSeq);
      }
      if (opts.visible !== undefined) {
        where += ' AND visible = ?';
        params.push(opts.visible ? 1 : 0);
      }
      params.push(opts.limit);
      const rows = await db.all<OfferRow>(`SELECT * FROM offers WHERE ${where} ORDER BY seq DESC LIMIT ?`, params);
      return rows.map(fromRow);
    },
    async isInUse(offerId: string): Promise<boolean> {
      const guard = offerInUse(offerId);
      return (await db.get(guard.sql, guard.params)) !== undefined;
    },
    insert(o: Offer): Statement {
      return sql(
        `INSERT INTO offers (reference, name, description, currency, amount_upfront, recurring_amount, recurring_interval,
           recurring_interval_count, trial_days, trial_amount, features, visible, updated_at, translations, tax_behavior, id, merchant_id, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        ...columns(o), o.id, o.merchantId, o.createdAt,
      );
    },
    update(o: Offer, extraWhere?: Statement): Statement {
      return sql(
        `UPDATE offers SET reference = ?, name = ?, description = ?, currency = ?, amount_upfront = ?, recurring_amount = ?,
           recurring_interval = ?, recurring_interval_count = ?, trial_days = ?, trial_amount = ?, features = ?, visible = ?,
           updated_at = ?, translations = ?, tax_behavior = ?
         WHERE merchant_id = ? AND id = ?${extraWhere ? ` AND ${extraWhere.sql}` : ''}`,
        ...columns(o), o.merchantId, o.id, ...(extraWhere?.params ?? []),
      );
    },
  };
}

export type OfferRepository = ReturnType<typeof offerRepository>;
