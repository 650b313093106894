import * as v from 'valibot';
import { referenceSchema } from '../customers/schema.ts';
import { offerOut } from '../offers/schema.ts';

/** A grid wider than this no longer fits a page: Stripe's pricing tables stop at four per interval. */
export const MAX_TABLE_OFFERS = 12;

const offerReference = (field: string) =>
  v.pipe(
    v.string(`${field} must hold offer references.`),
    v.trim(),
    v.minLength(1, `${field} must not hold empty references.`),
    v.maxLength(50, `${field} must hold offer references (at most 50 characters).`),
  );

const offersSchema = v.pipe(
  v.array(offerReference('offers'), 'offers must be an array of offer references.'),
  v.minLength(1, 'offers must list at least one offer.'),
  v.maxLength(MAX_TABLE_OFFERS, `offers may list at most ${MAX_TABLE_OFFERS} offers.`),
  v.check((refs) => new Set(refs).size === refs.length, 'offers must not list the same offer twice.'),
);

const highlighted = v.nullish(offerReference('highlighted'));

export const pricingTableCreateSchema = v.pipe(
  v.strictObject({ reference: referenceSchema, offers: offersSchema, highlighted }),
  v.forward(
    v.check((t) => t.highlighted == null || t.offers.includes(t.highlighted), 'highlighted must be one of the listed offers.'),
    ['highlighted'],
  ),
);

/** `offers` replaces the whole list; `highlighted: null` removes the highlight. Checked against the result in the service. */
export const pricingTableUpdateSchema = v.strictObject({
  reference: v.optional(referenceSchema),
  offers: v.optional(offersSchema),
  highlighted,
});

export type PricingTableCreate = v.InferOutput<typeof pricingTableCreateSchema>;
export type PricingTableUpdate = v.InferOutput<typeof pricingTableUpdateSchema>;

export const pricingTableOut = v.object({
  object: v.literal('pricing_table'),
  reference: v.string(),
  offers: v.array(v.string()),
  highlighted: v.nullable(v.string()),
});

export type PricingTableJson = v.InferOutput<typeof pricingTableOut>;

/**
 * A grid's offer: the offer's JSON plus `tax_label`, the words under its price saying whether it
 * includes VAT ("incl. VAT"; in `translations.fr`, "TTC"), null when the merchant charges no VAT.
 */
const publicOfferOut = v.object({
  ...offerOut.entries,
  tax_label: v.nullable(v.string()),
  translations: v.object({ fr: v.optional(v.object({ ...v.unwrap(offerOut.entries.translations.entries.fr).entries, tax_label: v.optional(v.nullable(v.string())) })) }),
});

/** What the widget renders: visible offers in table order, full JSON. */
export const publicPricingTableOut = v.object({
  reference: v.string(),
  offers: v.array(publicOfferOut),
  highlighted: v.optional(v.string()),
});

export type PublicPricingTable = v.InferOutput<typeof publicPricingTableOut>;
