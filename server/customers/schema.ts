import * as v from 'valibot';
import { jsonObject } from '../http/validate.ts';
import { isCountryCode } from '../lib/countries.ts';
import { checkTaxId } from '../tax/vat-number.ts';

const text = (field: string, max: number) =>
  v.nullish(v.pipe(v.string(`${field} must be a string.`), v.trim(), v.maxLength(max, `${field} must be at most ${max} characters.`)));

export const referenceSchema = v.pipe(
  v.string('reference must be a string.'),
  v.trim(),
  v.minLength(1, 'reference must not be empty.'),
  v.maxLength(50, 'reference must be at most 50 characters.'),
  v.regex(/^[^<>;"=?&\p{Cc}]+$/u, 'reference must not contain < > ; " = ? & or control characters.'),
);

export const emailSchema = v.pipe(
  v.string('email must be a string.'),
  v.trim(),
  v.maxLength(254, 'email must be at most 254 characters.'),
  v.email('email must be a valid email address.'),
);

export const languageSchema = v.picklist(['en', 'fr'], 'language must be "en" or "fr".');

export const countrySchema = v.pipe(
  v.string('billing_address.country must be a string.'),
  v.trim(),
  v.toUpperCase(),
  v.check(isCountryCode, 'billing_address.country must be an ISO 3166-1 alpha-2 code such as FR.'),
);

const taxIdMessage = 'billing_address.tax_id is not a valid VAT number for billing_address.country (an EU VAT number starts with its country prefix, e.g. FR40303265045, DE136695976).';

export const billingAddressSchema = jsonObject(v.pipe(v.strictObject(
  {
    line1: text('billing_address.line1', 200),
    line2: text('billing_address.line2', 200),
    postal_code: text('billing_address.postal_code', 20),
    city: text('billing_address.city', 100),
    region: text('billing_address.region', 100),
    country: v.nullish(countrySchema),
    phone: v.nullish(v.pipe(v.string('billing_address.phone must be a string.'), v.trim(), v.maxLength(30, 'billing_address.phone must be at most 30 characters.'), v.regex(/^[0-9+().\s-]*$/, 'billing_address.phone may hold only digits, spaces and + ( ) . -'))),
    tax_id: text('billing_address.tax_id', 50),
  },
  'billing_address must be an object with line1, line2, postal_code, city, region, country, phone, tax_id.',
),
  // VAT numbers are checked per country (format and check digits, jsvat): a wrong one would
  // otherwise earn an EU business the reverse charge, or put a wrong number on its invoices.
  v.forward(v.check((a) => !a.tax_id || checkTaxId(a.tax_id, a.country).ok, taxIdMessage), ['tax_id']),
  v.transform((a) => {
    const checked = a.tax_id ? checkTaxId(a.tax_id, a.country) : undefined;
    return checked?.ok ? { ...a, tax_id: checked.value } : a;
  }),
), 'billing_address must be an object with line1, line2, postal_code, city, region, country, phone, tax_id.');

/** Payment methods a merchant may set by hand; card and SEPA come only from the gateway. */
export const manualPaymentTypes = ['bank_transfer', 'check', 'cash', 'other', 'none'] as const;
export const manualPaymentMethodSchema = jsonObject(v.strictObject(
  { type: v.picklist(manualPaymentTypes, 'payment_method.type must be bank_transfer, check, cash, other or none (cards and SEPA debits are collected through checkout or the portal).') },
  'payment_method must be an object with a type.',
), 'payment_method must be an object with a type.');

export const metadataSchema = v.pipe(
  jsonObject(
    v.record(
      v.pipe(v.string(), v.minLength(1, 'metadata keys must not be empty.'), v.maxLength(40, 'metadata keys must be at most 40 characters.')),
      v.pipe(v.string('metadata values must be strings.'), v.maxLength(500, 'metadata values must be at most 500 characters.')),
      'metadata must be an object of string values.',
    ),
    'metadata must be an object of string values.',
  ),
  v.check((m) => Object.keys(m).length <= 20, 'metadata may hold at most 20 keys.'),
);

const writable = {
  email: v.nullish(emailSchema),
  first_name: text('first_name', 100),
  last_name: text('last_name', 100),
  company: text('company', 100),
  language: v.optional(languageSchema),
  billing_address: v.nullish(billingAddressSchema),
  auto_billing: v.optional(v.boolean('auto_billing must be true or false.')),
  payment_method: v.optional(manualPaymentMethodSchema),
  metadata: v.optional(metadataSchema),
};

const bodyMessage = 'The request body must be a JSON object.';

export const customerCreateSchema = jsonObject(v.strictObject(
  { reference: v.optional(referenceSchema), ...writable },
), bodyMessage);

export const customerUpdateSchema = jsonObject(v.strictObject({
  reference: v.optional(referenceSchema),
  ...writable,
  grey_listed: v.optional(v.boolean('grey_listed must be true or false.')),
}), bodyMessage);

/** Upsert by reference: the reference comes from the path. */
export const customerUpsertSchema = jsonObject(v.strictObject(writable), bodyMessage);

export type CustomerCreate = v.InferOutput<typeof customerCreateSchema>;
export type CustomerUpdate = v.InferOutput<typeof customerUpdateSchema>;

const nullableString = v.nullable(v.string());

export const billingAddressOut = v.object({
  line1: nullableString,
  line2: nullableString,
  postal_code: nullableString,
  city: nullableString,
  region: nullableString,
  country: nullableString,
  phone: nullableString,
  tax_id: nullableString,
});

export const paymentMethodOut = v.object({
  type: v.picklist(['card', 'sepa_debit', 'bank_transfer', 'check', 'cash', 'other', 'none']),
  card: v.optional(v.object({ brand: v.string(), last4: v.string(), exp_month: v.number(), exp_year: v.number() })),
  sepa_debit: v.optional(v.object({ last4: v.string(), country: v.string() })),
});

export const customerOut = v.object({
  id: v.string(),
  object: v.literal('customer'),
  reference: v.string(),
  email: nullableString,
  first_name: nullableString,
  last_name: nullableString,
  company: nullableString,
  language: languageSchema,
  billing_address: v.nullable(billingAddressOut),
  auto_billing: v.boolean(),
  payment_method: paymentMethodOut,
  grey_listed: v.boolean(),
  status: v.picklist(['active', 'anonymized']),
  metadata: v.record(v.string(), v.string()),
  created_at: v.string(),
});

export type CustomerJson = v.InferOutput<typeof customerOut>;
export type BillingAddress = v.InferOutput<typeof billingAddressOut>;
export type PaymentMethod = v.InferOutput<typeof paymentMethodOut>;
