import type { Database } from '../db/port.ts';

/** What checkout needs to know of an offer: its price and period, read by id or reference. */
export interface CheckoutOffer {
  id: string;
  reference: string;
  name: string;
  description: string | null;
  currency: string;
  amount_upfront: number;
  recurring: { amount: number; interval: 'day' | 'week' | 'month' | 'year'; interval_count: number };
  trial: { days: number; amount: number };
  features: string[];
  visible: boolean;
}

interface Row {
  id: string;
  reference: string;
  name: string;
  description: string | null;
  currency: string;
  amount_upfront: number;
  recurring_amount: number;
  recurring_interval: CheckoutOffer['recurring']['interval'];
  recurring_interval_count: number;
  trial_days: number;
  trial_amount: number;
  features: string;
  visible: number;
}

export async function loadOffer(db: Database, merchantId: string, idOrReference: string): Promise<CheckoutOffer | undefined> {
  const r = await db.get<Row>('SELECT * FROM offers WHERE merchant_id = ? AND (id = ? OR reference = ?) LIMIT 1', [
    merchantId,
    idOrReference,
    idOrReference,
  ]);
  if (!r) return undefined;
  return {
    id: r.id,
    reference: r.reference,
    name: r.name,
    description: r.description,
    currency: r.currency,
    amount_upfront: r.amount_upfront,
    recurring: { amount: r.recurring_amount, interval: r.recurring_interval, interval_count: r.recurring_interval_count },
    trial: { days: r.trial_days, amount: r.trial_amount },
    features: JSON.parse(r.features) as string[],
    visible: r.visible === 1,
  };
}
