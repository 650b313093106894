// The same field says the same thing on every page: checkout, customer portal and back-office, in
// both languages (the issue found "Tax ID" in the portal beside "VAT number" in the back-office).
import { describe, expect, it } from 'vitest';
import { adminTranslator } from '../hosted-pages/admin/i18n.ts';
import { type Locale, translator } from '../hosted-pages/i18n.ts';
import { portalTranslator } from '../hosted-pages/portal/i18n.ts';

const FIELDS = ['email', 'first_name', 'last_name', 'company', 'line1', 'line2', 'postal_code', 'city', 'region', 'country', 'phone', 'tax_id'] as const;

describe('field labels agree across checkout, portal and back-office', () => {
  for (const locale of ['en', 'fr'] as Locale[]) {
    it(locale, () => {
      const admin = adminTranslator(locale);
      const portal = portalTranslator(locale);
      const hosted = translator(locale) as (key: string) => string;
      for (const field of FIELDS) {
        const a = admin(field as Parameters<typeof admin>[0]);
        expect(portal(field as Parameters<typeof portal>[0]), `${locale} ${field}`).toBe(a);
        const h = hosted(field);
        if (h !== field) expect(h, `${locale} ${field} (checkout)`).toBe(a);
      }
      expect([admin('region'), admin('tax_id')]).toEqual(locale === 'en' ? ['Region or state', 'VAT number'] : ['Région ou État', 'Numéro de TVA']);
    });
  }
});
