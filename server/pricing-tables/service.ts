import type { Database } from '../db/port.ts';
import { chargesVat } from '../billing/tax.ts';
import type { Merchant } from '../merchants/repository.ts';
import { taxLabel } from '../tax/label.ts';
import { UniqueViolation } from '../db/port.ts';
import { conflict, invalid, notFound } from '../http/errors.ts';
import { newId } from '../lib/ids.ts';
import { type Offer, offerRepository, toJson as offerJson } from '../offers/repository.ts';
import { type PricingTable, pricingTableRepository } from './repository.ts';
import type { PricingTableCreate, PricingTableJson, PricingTableUpdate, PublicPricingTable } from './schema.ts';

const referenceTaken = () => conflict('reference_taken', 'Another pricing table of this merchant already has this reference.', 'reference');

/** Offers by id, for turning stored ids back into references or full offers. */
async function offersById(db: Database, merchantId: string, ids: readonly string[]): Promise<Map<string, Offer>> {
  const offers = await offerRepository(db).byIds(merchantId, [...new Set(ids)]);
  return new Map(offers.map((o) => [o.id, o]));
}

/** The API shape. Offers are never deleted, so every stored id resolves; the filter only keeps types honest. */
function toJson(t: PricingTable, offers: Map<string, Offer>): PricingTableJson {
  const reference = (id: string) => offers.get(id)?.reference;
  return {
    object: 'pricing_table',
    reference: t.reference,
    offers: t.offerIds.map(reference).filter((r): r is string => r !== undefined),
    highlighted: (t.highlightedId && reference(t.highlightedId)) ?? null,
  };
}

export function pricingTableService(db: Database, clock: () => Date) {
  const repo = pricingTableRepository(db);

  const get = async (merchantId: string, reference: string): Promise<PricingTable> => {
    const table = await repo.byReference(merchantId, reference);
    if (!table) throw notFound('pricing table', 'reference');
    return table;
  };

  /** References → ids, in order; a 400 naming `param` for the first reference the merchant has no offer for. */
  async function resolve(merchantId: string, references: readonly string[], param: string): Promise<string[]> {
    const offers = await offerRepository(db).byReferences(merchantId, references);
    const ids = new Map(offers.map((o) => [o.reference, o.id]));
    return references.map((ref) => {
      const id = ids.get(ref);
      if (!id) throw invalid(param, `${param}: no offer has the reference "${ref}".`, 'resource_missing');
      return id;
    });
  }

  async function json(t: PricingTable): Promise<PricingTableJson> {
    return toJson(t, await offersById(db, t.merchantId, t.offerIds));
  }

  async function list(merchantId: string, opts: { limit: number; afterRowid?: number }): Promise<PricingTableJson[]> {
    const tables = await repo.list(merchantId, opts);
    const offers = await offersById(db, merchantId, tables.flatMap((t) => t.offerIds));
    return tables.map((t) => toJson(t, offers));
  }

  async function create(merchantId: string, input: PricingTableCreate): Promise<PricingTableJson> {
    const offerIds = await resolve(merchantId, input.offers, 'offers');
    const now = clock().toISOString();
    const table: PricingTable = {
      rowid: 0,
      id: newId('pt'),
      merchantId,
      reference: input.reference,
      offerIds,
      // The schema already checked that highlighted is among offers, so its id is in offerIds.
      highlightedId: input.highlighted ? (offerIds[input.offers.indexOf(input.highlighted)] ?? null) : null,
      createdAt: now,
      updatedAt: now,
    };
    try {
      await db.batch([repo.insert(table)]);
    } catch (error) {
      if (error instanceof UniqueViolation) throw referenceTaken();
      throw error;
    }
    return json(table);
  }

  async function update(merchantId: string, reference: string, input: PricingTableUpdate): Promise<PricingTableJson> {
    const before = await get(merchantId, reference);
    const offerIds = input.offers ? await resolve(merchantId, input.offers, 'offers') : before.offerIds;
    let highlightedId = before.highlightedId;
    if (input.highlighted === null) highlightedId = null;
    else if (input.highlighted !== undefined) highlightedId = (await resolve(merchantId, [input.highlighted], 'highlighted'))[0] ?? null;
    // Checked on the result: dropping the highlighted offer from the list must say so, not clear it silently.
    if (highlightedId !== null && !offerIds.includes(highlightedId)) {
      throw invalid('highlighted', 'highlighted must be one of the listed offers (set highlighted to null or to another offer).');
    }
    const after: PricingTable = { ...before, reference: input.reference ?? before.reference, offerIds, highlightedId, updatedAt: clock().toISOString() };
    try {
      await db.batch([repo.update(after)]);
    } catch (error) {
      if (error instanceof UniqueViolation) throw referenceTaken();
      throw error;
    }
    return json(after);
  }

  return {
    get: async (merchantId: string, reference: string) => json(await get(merchantId, reference)),
    /** The stored row (rowid for list cursors). */
    row: get,
    list,
    create,
    update,
  };
}

export type PricingTableService = ReturnType<typeof pricingTableService>;

/**
 * What the widget renders for `data-porte-pricing-table="<reference>"`: the table's visible offers,
 * full JSON, in table order, and the highlighted reference if that offer is still visible.
 * Undefined when the merchant has no such table.
 */
export async function publicPricingTable(db: Database, merchantId: string, reference: string, vat?: Merchant['vat']): Promise<PublicPricingTable | undefined> {
  const table = await pricingTableRepository(db).byReference(merchantId, reference);
  if (!table) return undefined;
  const offers = await offersById(db, merchantId, table.offerIds);
  const visible = table.offerIds.map((id) => offers.get(id)).filter((o): o is Offer => o?.visible === true);
  const highlighted = visible.find((o) => o.id === table.highlightedId);
  // The label rides on the offer's French words, so the grid's one merge of `translations.fr` localizes it.
  const charged = vat !== undefined && chargesVat(vat);
  const labelled = visible.map((o) => {
    const json = offerJson(o);
    const fr = taxLabel(charged, o.taxBehavior, 'fr');
    return {
      ...json,
      tax_label: taxLabel(charged, o.taxBehavior, 'en'),
      translations: fr ? { ...json.translations, fr: { ...json.translations.fr, tax_label: fr } } : json.translations,
    };
  });
  return { reference: table.reference, offers: labelled, highlighted: highlighted?.reference };
}
