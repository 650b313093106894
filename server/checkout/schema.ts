import * as v from 'valibot';
import { formField as field } from '../http/validate.ts';
import { billingAddressSchema, emailSchema, languageSchema, referenceSchema } from '../customers/schema.ts';

const url = (field: string) =>
  v.pipe(v.string(`${field} must be a string.`), v.trim(), v.maxLength(2000, `${field} must be at most 2000 characters.`), v.url(`${field} must be an absolute URL.`));

export const checkoutSessionCreateSchema = v.strictObject({
  offer: v.pipe(v.string('offer must be an offer id or reference.'), v.trim(), v.minLength(1, 'offer is required.'), v.maxLength(64, 'offer must be an offer id or reference.')),
  customer_reference: v.optional(referenceSchema),
  customer_email: v.optional(emailSchema),
  prefill: v.optional(
    v.strictObject({
      email: v.optional(emailSchema),
      first_name: v.optional(v.pipe(v.string(), v.maxLength(100, 'prefill.first_name must be at most 100 characters.'))),
      last_name: v.optional(v.pipe(v.string(), v.maxLength(100, 'prefill.last_name must be at most 100 characters.'))),
      company: v.optional(v.pipe(v.string(), v.maxLength(100, 'prefill.company must be at most 100 characters.'))),
      billing_address: v.optional(billingAddressSchema),
    }),
  ),
  success_url: url('success_url'),
  cancel_url: url('cancel_url'),
  locale: v.optional(languageSchema),
});

export type CheckoutSessionCreate = v.InferOutput<typeof checkoutSessionCreateSchema>;
export type Prefill = NonNullable<CheckoutSessionCreate['prefill']>;

export const checkoutSessionOut = v.object({
  id: v.string(),
  object: v.literal('checkout_session'),
  url: v.string(),
  status: v.picklist(['open', 'complete', 'expired']),
  offer: v.string(),
  customer_reference: v.nullable(v.string()),
  customer_email: v.nullable(v.string()),
  success_url: v.string(),
  cancel_url: v.string(),
  locale: v.nullable(languageSchema),
  customer: v.nullable(v.string()),
  subscription: v.nullable(v.string()),
  expires_at: v.string(),
  created_at: v.string(),
});

export type CheckoutSessionJson = v.InferOutput<typeof checkoutSessionOut>;


/** The hosted checkout form as posted (urlencoded). Messages are keys of hosted-pages/i18n.ts. */
export const checkoutFormSchema = v.object({
  csrf: v.optional(v.string(), ''),
  email: field(254),
  first_name: field(100),
  last_name: field(100),
  company: field(100),
  /** Asked once "Company" is filled: the business's VAT number, checked per country. */
  tax_id: field(50),
  line1: field(200),
  postal_code: field(20),
  city: field(100),
  country: field(2),
  payment_type: v.optional(v.picklist(['card', 'sepa_debit']), 'card'),
  card_number: field(30),
  card_expiry: field(10),
  card_cvc: field(6),
  iban: field(50),
  setup_intent: field(100),
  payment_intent: field(100),
  /** "Due today" as the page showed it: when the form's country or VAT number changes it, the customer confirms the new amount first. */
  due_total: field(20),
});

export type CheckoutForm = v.InferOutput<typeof checkoutFormSchema>;
