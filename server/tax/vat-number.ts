import { checkVAT, countries } from 'jsvat';
import { isEuCountry } from './rates.ts';

/**
 * Format (and check-digit, where the country has one) check of an EU VAT number, by jsvat — a
 * maintained table of every member state's rules. No network: a VIES lookup is optional and must
 * never block checkout, so it is not done here.
 */
export type VatNumberCheck =
  | { valid: true; normalized: string; country: string }
  | { valid: false; reason: 'format' | 'country_mismatch' | 'unsupported_country' };

/** VAT prefixes that differ from the ISO country code. */
const prefixToIso: Readonly<Record<string, string>> = { EL: 'GR' };

export function checkVatNumber(raw: string, expectedCountry?: string | null): VatNumberCheck {
  const normalized = raw.toUpperCase().replace(/[\s.\-/]/g, '');
  const r = checkVAT(normalized, countries);
  if (!r.isSupportedCountry) return { valid: false, reason: 'unsupported_country' };
  if (!r.isValid) return { valid: false, reason: 'format' };
  const prefix = normalized.slice(0, 2);
  const country = prefixToIso[prefix] ?? prefix;
  if (expectedCountry && expectedCountry.toUpperCase() !== country) return { valid: false, reason: 'country_mismatch' };
  return { valid: true, normalized, country };
}

/**
 * A customer's `tax_id` against their billing country: an EU VAT number must be well-formed and
 * belong to that country (or to the country its prefix names when no country is given). Outside
 * the EU, where no VAT number earns a reverse charge, any identifier is kept as typed (a Swiss
 * UID, a US EIN…). Returns the value to store, or why it is refused.
 */
export function checkTaxId(raw: string, country: string | null | undefined): { ok: true; value: string } | { ok: false; reason: 'format' | 'country_mismatch' } {
  const value = raw.trim();
  const c = country?.toUpperCase() ?? null;
  const r = checkVatNumber(value, c);
  if (r.valid) return { ok: true, value: r.normalized };
  const eu = c !== null ? isEuCountry(c) : r.reason !== 'unsupported_country';
  if (!eu) return { ok: true, value };
  return { ok: false, reason: r.reason === 'country_mismatch' ? 'country_mismatch' : 'format' };
}
