import * as v from 'valibot';
import { referenceSchema } from '../customers/schema.ts';

/** Same rules as customer references: they travel in URLs, HTML attributes and CSV exports. */
export { referenceSchema };

/** 99 999 999 minor units (999 999,99 €), Stripe's own ceiling: catches a misplaced decimal point. */
export const MAX_AMOUNT = 99_999_999;
export const MAX_FEATURES = 20;

export const intervals = ['day', 'week', 'month', 'year'] as const;
export type Interval = (typeof intervals)[number];

/** The most intervals that fit in three years, the longest billing period we accept. */
const maxCount: Record<Interval, number> = { day: 3 * 365 + 1, week: 156, month: 36, year: 3 };

let currencies: ReadonlySet<string> | undefined;
/** ISO 4217 codes the runtime's ICU knows (Node and workerd both ship full ICU): no list of our own to go stale. */
export function isCurrencyCode(code: string): boolean {
  currencies ??= new Set(Intl.supportedValuesOf('currency'));
  return /^[A-Z]{3}$/.test(code) && currencies.has(code);
}

const amount = (field: string) =>
  v.pipe(
    v.number(`${field} must be an integer amount in minor units (cents).`),
    v.integer(`${field} must be an integer amount in minor units (cents), e.g. 900 for 9,00 €.`),
    v.minValue(0, `${field} must not be negative.`),
    v.maxValue(MAX_AMOUNT, `${field} must be at most ${MAX_AMOUNT}.`),
    v.description('Integer amount in minor units of the currency (900 = 9,00 €).'),
  );

const name = v.pipe(
  v.string('name must be a string.'),
  v.trim(),
  v.minLength(1, 'name must not be empty.'),
  v.maxLength(100, 'name must be at most 100 characters.'),
);

const description = v.nullish(
  v.pipe(v.string('description must be a string.'), v.trim(), v.maxLength(500, 'description must be at most 500 characters.')),
);

export const currencySchema = v.pipe(
  v.string('currency must be a string.'),
  v.trim(),
  v.toUpperCase(),
  v.check(isCurrencyCode, 'currency must be an ISO 4217 code such as EUR.'),
  v.description('ISO 4217 currency code, e.g. EUR (stored upper-case).'),
);

export const recurringSchema = v.pipe(
  v.strictObject(
    {
      amount: amount('recurring.amount'),
      interval: v.picklist(intervals, 'recurring.interval must be day, week, month or year.'),
      interval_count: v.optional(
        v.pipe(
          v.number('recurring.interval_count must be a whole number.'),
          v.integer('recurring.interval_count must be a whole number.'),
          v.minValue(1, 'recurring.interval_count must be from 1 to 365.'),
          v.maxValue(365, 'recurring.interval_count must be from 1 to 365.'),
        ),
        1,
      ),
    },
    'recurring must be an object with amount, interval and interval_count.',
  ),
  // Longer periods are almost always a typo (interval_count 12 with interval "year").
  v.forward(
    v.check(
      (r) => r.interval_count <= maxCount[r.interval],
      'recurring: a billing period may last at most 3 years.',
    ),
    ['interval_count'],
  ),
);

export const trialSchema = v.pipe(
  v.strictObject(
    {
      days: v.optional(
        v.pipe(
          v.number('trial.days must be a whole number.'),
          v.integer('trial.days must be a whole number.'),
          v.minValue(0, 'trial.days must be from 0 to 730.'),
          v.maxValue(730, 'trial.days must be from 0 to 730.'),
        ),
        0,
      ),
      amount: v.optional(amount('trial.amount'), 0),
    },
    'trial must be an object with days and amount.',
  ),
  // A trial price without trial days would never be charged: refuse it rather than ignore it.
  v.forward(v.check((t) => t.amount === 0 || t.days > 0, 'trial.amount needs trial.days greater than 0.'), ['amount']),
);

export const featuresSchema = v.pipe(
  v.array(
    v.pipe(
      v.string('features must be strings.'),
      v.trim(),
      v.minLength(1, 'features must not be empty strings.'),
      v.maxLength(200, 'features must be at most 200 characters each.'),
    ),
    'features must be an array of strings.',
  ),
  v.maxLength(MAX_FEATURES, `features may hold at most ${MAX_FEATURES} items.`),
);

const visible = v.boolean('visible must be true or false.');

export const taxBehaviors = ['inclusive', 'exclusive'] as const;
export type TaxBehavior = (typeof taxBehaviors)[number];
/**
 * Whether the amounts include VAT. Default `inclusive` (TTC), like ProAbono's and a French
 * consumer's expectation: the price shown is the price charged, whatever the buyer's country.
 */
const taxBehavior = v.pipe(
  v.picklist(taxBehaviors, 'tax_behavior must be inclusive or exclusive.'),
  v.description('inclusive (default): the amounts include VAT, which is extracted per line; exclusive: VAT is added on top.'),
);

/** `translations.fr`: the offer's words in French; any field left out falls back to the default. */
export const translationsSchema = v.strictObject({
  fr: v.optional(
    v.strictObject({
      name: v.optional(name),
      description: v.optional(description),
      features: v.optional(featuresSchema),
    }),
  ),
});
export type OfferTranslations = { fr?: { name?: string; description?: string | null; features?: string[] } };

export const offerCreateSchema = v.strictObject({
  reference: referenceSchema,
  name,
  description,
  currency: currencySchema,
  amount_upfront: v.optional(amount('amount_upfront'), 0),
  recurring: recurringSchema,
  // null = no trial, the same as { days: 0 }.
  trial: v.nullish(trialSchema),
  features: v.optional(featuresSchema, []),
  translations: v.optional(translationsSchema, {}),
  visible: v.optional(visible, true),
  tax_behavior: v.optional(taxBehavior, 'inclusive'),
});

/** Every field optional; `recurring` and `trial` are replaced as a whole, like customers' billing_address. */
export const offerUpdateSchema = v.strictObject({
  reference: v.optional(referenceSchema),
  name: v.optional(name),
  description,
  currency: v.optional(currencySchema),
  amount_upfront: v.optional(amount('amount_upfront')),
  recurring: v.optional(recurringSchema),
  trial: v.nullish(trialSchema),
  features: v.optional(featuresSchema),
  translations: v.optional(translationsSchema),
  visible: v.optional(visible),
  tax_behavior: v.optional(taxBehavior),
});

export type OfferCreate = v.InferOutput<typeof offerCreateSchema>;
export type OfferUpdate = v.InferOutput<typeof offerUpdateSchema>;

export const offerOut = v.object({
  id: v.string(),
  object: v.literal('offer'),
  reference: v.string(),
  name: v.string(),
  description: v.nullable(v.string()),
  currency: v.string(),
  amount_upfront: v.number(),
  recurring: v.object({ amount: v.number(), interval: v.picklist(intervals), interval_count: v.number() }),
  trial: v.object({ days: v.number(), amount: v.number() }),
  features: v.array(v.string()),
  translations: v.object({ fr: v.optional(v.object({ name: v.optional(v.string()), description: v.optional(v.nullable(v.string())), features: v.optional(v.array(v.string())) })) }),
  visible: v.boolean(),
  tax_behavior: v.picklist(taxBehaviors),
  created_at: v.string(),
});

/** The offer as a visitor in `locale` reads it: translated words where there are some, defaults elsewhere. */
export function localizeOffer<T extends Pick<OfferJson, 'name' | 'description' | 'features' | 'translations'>>(offer: T, locale: string): T {
  const words = locale === 'fr' ? offer.translations.fr : undefined;
  if (!words) return offer;
  return {
    ...offer,
    name: words.name ?? offer.name,
    description: words.description !== undefined ? words.description : offer.description,
    features: words.features ?? offer.features,
  };
}

export type OfferJson = v.InferOutput<typeof offerOut>;
