import * as v from 'valibot';
import { formField as field } from '../http/validate.ts';
import { languageSchema } from '../customers/schema.ts';
import { jsonObject } from '../http/validate.ts';
import { LINK_TTL } from './links.ts';

/** POST /v1/customers/{id}/portal_links: an empty body is fine. */
export const portalLinkCreateSchema = jsonObject(
  v.strictObject({
    expires_in: v.optional(
      v.pipe(
        v.number('expires_in must be a number of seconds.'),
        v.integer('expires_in must be a whole number of seconds.'),
        v.minValue(LINK_TTL.min, `expires_in must be at least ${LINK_TTL.min} seconds.`),
        v.maxValue(LINK_TTL.max, `expires_in must be at most ${LINK_TTL.max} seconds (7 days).`),
      ),
    ),
    locale: v.optional(languageSchema),
  }),
  'The request body must be a JSON object.',
);

export const portalLinkOut = v.object({
  object: v.literal('portal_link'),
  url: v.string(),
  expires_at: v.string(),
});

// The portal's forms, as posted (urlencoded). Messages are keys of the hosted pages' dictionaries.

export const paymentFormSchema = v.object({
  csrf: v.optional(v.string(), ''),
  payment_type: v.optional(v.picklist(['card', 'sepa_debit']), 'card'),
  card_number: field(30),
  card_expiry: field(10),
  card_cvc: field(6),
  iban: field(50),
  setup_intent: field(100),
  gateway_state: field(2000),
});
export type PaymentForm = v.InferOutput<typeof paymentFormSchema>;

/** Same limits as the customers API's billing_address, so whatever the portal saves the API accepts. */
export const addressFormSchema = v.object({
  csrf: v.optional(v.string(), ''),
  line1: field(200),
  line2: field(200),
  postal_code: field(20),
  city: field(100),
  region: field(100),
  country: field(2),
  phone: field(30),
  tax_id: field(50),
});
export type AddressForm = v.InferOutput<typeof addressFormSchema>;

export const addressFields = ['line1', 'line2', 'postal_code', 'city', 'region', 'country', 'phone', 'tax_id'] as const;
