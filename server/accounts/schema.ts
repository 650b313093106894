import * as v from 'valibot';
import { emailSchema } from '../customers/schema.ts';
import { isCountryCode } from '../lib/countries.ts';
import { jsonObject } from '../http/validate.ts';
import { brandColorOk } from './checks.ts';

const text = (name: string, max: number) =>
  v.nullable(v.pipe(v.string(`${name} must be a string.`), v.trim(), v.minLength(1, `${name} must not be empty (send null to clear it).`), v.maxLength(max, `${name} must be at most ${max} characters.`)));

const httpsUrl = v.nullable(
  v.pipe(
    v.string('support_url must be a string.'),
    v.trim(),
    v.maxLength(2000, 'support_url must be at most 2000 characters.'),
    v.url('support_url must be a URL.'),
    v.check((u) => /^https?:\/\//i.test(u), 'support_url must start with https:// or http://.'),
  ),
);

const addressSchema = v.nullable(
  jsonObject(
    v.strictObject({
      line1: v.pipe(v.string('address.line1 must be a string.'), v.trim(), v.minLength(1, 'address.line1 is required.'), v.maxLength(200, 'address.line1 is too long.')),
      line2: v.optional(v.nullable(v.pipe(v.string(), v.trim(), v.maxLength(200, 'address.line2 is too long.'))), null),
      postal_code: v.pipe(v.string('address.postal_code must be a string.'), v.trim(), v.minLength(1, 'address.postal_code is required.'), v.maxLength(20, 'address.postal_code is too long.')),
      city: v.pipe(v.string('address.city must be a string.'), v.trim(), v.minLength(1, 'address.city is required.'), v.maxLength(100, 'address.city is too long.')),
    }),
    'address must be an object.',
  ),
);

/** PATCH /v1/account: every field optional; null clears it. Cross-field rules (VAT, SIREN) in the service. */
export const accountUpdateSchema = jsonObject(
  v.strictObject({
    business_name: v.optional(v.pipe(v.string('business_name must be a string.'), v.trim(), v.minLength(1, 'business_name is required.'), v.maxLength(120, 'business_name must be at most 120 characters.'))),
    legal_name: v.optional(text('legal_name', 200)),
    trading_name: v.optional(text('trading_name', 120)),
    address: v.optional(addressSchema),
    country: v.optional(
      v.nullable(v.pipe(v.string('country must be a string.'), v.trim(), v.toUpperCase(), v.check(isCountryCode, 'country must be an ISO 3166-1 alpha-2 code, such as FR.'))),
    ),
    company_number: v.optional(text('company_number', 40)),
    vat_number: v.optional(text('vat_number', 30)),
    vat_regime: v.optional(v.picklist(['registered', 'franchise'], 'vat_regime must be registered or franchise.')),
    support_email: v.optional(v.nullable(emailSchema)),
    support_url: v.optional(httpsUrl),
    brand_color: v.optional(
      v.nullable(
        v.pipe(
          v.string('brand_color must be a string.'),
          v.regex(/^#[0-9a-fA-F]{6}$/, 'brand_color must be #rrggbb.'),
          v.check(brandColorOk, 'brand_color is too light: white button text on it must reach a 4.5:1 contrast (WCAG AA).'),
          v.toLowerCase(),
        ),
      ),
    ),
    default_locale: v.optional(v.picklist(['en', 'fr'], 'default_locale must be en or fr.')),
  }),
  'The body must be a JSON object.',
);

export type AccountUpdate = v.InferOutput<typeof accountUpdateSchema>;

export const accountOut = v.object({
  object: v.literal('account'),
  id: v.string(),
  environment: v.picklist(['test', 'live']),
  live: v.boolean(),
  business_name: v.string(),
  legal_name: v.nullable(v.string()),
  trading_name: v.nullable(v.string()),
  address: v.nullable(v.object({ line1: v.string(), line2: v.nullable(v.string()), postal_code: v.string(), city: v.string() })),
  country: v.nullable(v.string()),
  company_number: v.nullable(v.string()),
  vat_number: v.nullable(v.string()),
  /**
   * `registered`: VAT is charged (once `country` is set: the rules need the seller's country);
   * `franchise`: franchise en base (CGI art. 293 B), no VAT and the mention on every invoice.
   */
  vat_regime: v.picklist(['registered', 'franchise']),
  support_email: v.nullable(v.string()),
  support_url: v.nullable(v.string()),
  logo_url: v.nullable(v.string()),
  brand_color: v.nullable(v.string()),
  default_locale: v.picklist(['en', 'fr']),
});
