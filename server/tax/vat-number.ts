import { checkVAT, countries } from 'jsvat';

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
