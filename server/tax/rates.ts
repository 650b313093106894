/**
 * Standard VAT rates of the 27 EU member states, in basis points (2000 = 20 %), kept in this one
 * file so a rate change is a one-line, dated edit.
 *
 * Verified on 2026-12-01 against the European Commission's Taxes in Europe Database (TEDB,
 * ec.europa.eu/taxation_customs/tedb), as transcribed per period in vatnode/eu-vat-rates-data
 * `data/history-tedb.json` (generated 2026-08-30): all 27 standard rates agree with this table,
 * and no standard rate changed on 1 January 2026 (that date's changes were reduced rates only).
 * Changes since the Commission's 2024 edition, each also checked against national sources:
 * Finland 25.5 % from 1 Sept 2024; Slovakia 23 % from 1 Jan 2025; Estonia 24 % from 1 July 2025
 * (made permanent); Romania 21 % from 1 Aug 2025 (Law 141/2025, Monitorul Oficial 699 of
 * 25 July 2025). Keys are ISO 3166-1 alpha-2 codes (Greece is GR here; its VAT numbers start EL).
 */
export const EU_VAT_RATES_AS_OF = '2026-01-01';

export const EU_STANDARD_RATES_BP = {
  AT: 2000, BE: 2100, BG: 2000, CY: 1900, CZ: 2100, DE: 1900, DK: 2500, EE: 2400, ES: 2100,
  FI: 2550, FR: 2000, GR: 2400, HR: 2500, HU: 2700, IE: 2300, IT: 2200, LT: 2100, LU: 1700,
  LV: 2100, MT: 1800, NL: 2100, PL: 2300, PT: 2300, RO: 2100, SE: 2500, SI: 2200, SK: 2300,
} as const satisfies Record<string, number>;

export type EuCountry = keyof typeof EU_STANDARD_RATES_BP;

export const isEuCountry = (country: string): country is EuCountry =>
  Object.hasOwn(EU_STANDARD_RATES_BP, country);

/** The rate as the API shows it (`tax_rate`): a percentage, e.g. 20 or 25.5. */
export const bpToPercent = (bp: number): number => bp / 100;
