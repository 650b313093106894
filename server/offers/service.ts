import type { Database, Statement } from '../db/port.ts';
import { sql, UniqueViolation } from '../db/port.ts';
import { conflict, notFound } from '../http/errors.ts';
import { newId } from '../lib/ids.ts';
import { type Offer, offerInUse, offerRepository, toJson } from './repository.ts';
import type { OfferCreate, OfferUpdate } from './schema.ts';

const referenceTaken = () => conflict('reference_taken', 'Another offer of this merchant already has this reference.', 'reference');

const priceFrozen = (param: string) =>
  conflict(
    'offer_in_use',
    'This offer has subscriptions, which keep the price they were bought at: create a new offer (and hide this one) to change the price.',
    param,
  );

/** The price a subscriber agreed to: whatever changes these, changes what existing subscriptions are worth. */
const priceOf = (o: Offer) => ({
  currency: o.currency,
  amount_upfront: o.amountUpfront,
  recurring: o.recurring,
  trial_amount: o.trial.amount,
  // Inclusive → exclusive changes what every subscriber pays.
  tax_behavior: o.taxBehavior,
});

/** The first price field that differs, named as the client sent it, or undefined when the price is unchanged. */
function changedPriceField(before: Offer, after: Offer): string | undefined {
  const a = priceOf(before);
  const b = priceOf(after);
  const field = (Object.keys(a) as (keyof typeof a)[]).find((key) => JSON.stringify(a[key]) !== JSON.stringify(b[key]));
  return field === 'trial_amount' ? 'trial.amount' : field;
}

export function offerService(db: Database, clock: () => Date) {
  const repo = offerRepository(db);

  /** Strictly by `off_…` id (list cursors, foreign keys). */
  const get = async (merchantId: string, id: string): Promise<Offer> => {
    const offer = await repo.byId(merchantId, id);
    if (!offer) throw notFound('offer');
    return offer;
  };

  /** By id, or else by the merchant's reference: what the API path, checkout and subscribe links accept. */
  const find = async (merchantId: string, idOrReference: string): Promise<Offer> => {
    const offer = (await repo.byId(merchantId, idOrReference)) ?? (await repo.byReference(merchantId, idOrReference));
    if (!offer) throw notFound('offer');
    return offer;
  };

  /** Builds a new offer and the statement that creates it, for use inside larger batches. */
  function prepareCreate(merchantId: string, input: OfferCreate): { offer: Offer; statements: Statement[] } {
    const now = clock().toISOString();
    const offer: Offer = {
      seq: 0,
      id: newId('off'),
      merchantId,
      reference: input.reference,
      name: input.name,
      description: input.description ?? null,
      currency: input.currency,
      amountUpfront: input.amount_upfront,
      recurring: { amount: input.recurring.amount, interval: input.recurring.interval, intervalCount: input.recurring.interval_count },
      trial: { days: input.trial?.days ?? 0, amount: input.trial?.amount ?? 0 },
      features: input.features,
      translations: input.translations,
      visible: input.visible,
      taxBehavior: input.tax_behavior,
      createdAt: now,
      updatedAt: now,
    };
    return { offer, statements: [repo.insert(offer)] };
  }

  async function create(merchantId: string, input: OfferCreate): Promise<Offer> {
    const { offer, statements } = prepareCreate(merchantId, input);
    try {
      await db.batch(statements);
    } catch (error) {
      if (error instanceof UniqueViolation) throw referenceTaken();
      throw error;
    }
    return offer;
  }

  async function update(merchantId: string, idOrReference: string, input: OfferUpdate): Promise<Offer> {
    const before = await find(merchantId, idOrReference);
    const after: Offer = {
      ...before,
      reference: input.reference ?? before.reference,
      name: input.name ?? before.name,
      description: input.description === undefined ? before.description : input.description,
      currency: input.currency ?? before.currency,
      amountUpfront: input.amount_upfront ?? before.amountUpfront,
      recurring: input.recurring
        ? { amount: input.recurring.amount, interval: input.recurring.interval, intervalCount: input.recurring.interval_count }
        : before.recurring,
      trial: input.trial === undefined ? before.trial : { days: input.trial?.days ?? 0, amount: input.trial?.amount ?? 0 },
      features: input.features ?? before.features,
      translations: input.translations ?? before.translations,
      visible: input.visible ?? before.visible,
      taxBehavior: input.tax_behavior ?? before.taxBehavior,
      updatedAt: clock().toISOString(),
    };
    if (JSON.stringify(toJson(before)) === JSON.stringify(toJson(after))) return before;

    const priceField = changedPriceField(before, after);
    if (priceField && (await repo.isInUse(before.id))) throw priceFrozen(priceField);
    // Re-checked inside the write, so a subscription created meanwhile still wins over the new price.
    const guard = priceField ? offerInUse(before.id) : undefined;
    let changes = 0;
    try {
      const [result] = await db.batch([repo.update(after, guard && sql(`NOT EXISTS (${guard.sql})`, ...guard.params))]);
      changes = result?.changes ?? 0;
    } catch (error) {
      if (error instanceof UniqueViolation) throw referenceTaken();
      throw error;
    }
    if (changes === 0 && priceField) throw priceFrozen(priceField);
    return after;
  }

  return { get, find, byReference: repo.byReference, list: repo.list, prepareCreate, create, update };
}

export type OfferService = ReturnType<typeof offerService>;
