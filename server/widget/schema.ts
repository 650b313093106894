import * as v from 'valibot';
import { emailSchema, languageSchema, referenceSchema } from '../customers/schema.ts';

const url = (field: string) => v.pipe(v.string(), v.maxLength(2000, `${field} must be at most 2000 characters.`), v.url(`${field} must be an absolute URL.`));

/** What the widget's loader posts to open a checkout (CONTRACT.md "Embeddable widget"). */
export const widgetSessionCreateSchema = v.strictObject({
  offer: v.pipe(v.string('offer is required.'), v.minLength(1, 'offer is required.'), v.maxLength(64, 'offer must be an offer reference.')),
  customer: v.optional(
    v.strictObject({
      reference: v.optional(referenceSchema),
      email: v.optional(emailSchema),
      hash: v.optional(v.pipe(v.string(), v.regex(/^[0-9a-fA-F]{64}$/, 'customer.hash must be a hex HMAC-SHA256.'))),
    }),
  ),
  locale: v.optional(languageSchema),
  success_url: v.optional(url('success_url')),
  page_url: v.optional(url('page_url')),
});

export type WidgetSessionCreate = v.InferOutput<typeof widgetSessionCreateSchema>;
