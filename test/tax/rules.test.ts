import { describe, expect, it } from 'vitest';
import { EU_STANDARD_RATES_BP, EU_VAT_RATES_AS_OF } from '../../server/tax/rates.ts';
import { taxFor } from '../../server/tax/rules.ts';
import { checkVatNumber } from '../../server/tax/vat-number.ts';

const fr = { country: 'FR', vatRegistered: true };

describe('VAT rules', () => {
  it('the rate table lists the 27 member states and is dated', () => {
    expect(Object.keys(EU_STANDARD_RATES_BP).sort()).toEqual(
      'AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK'.split(' '),
    );
    expect(EU_VAT_RATES_AS_OF).toMatch(/^2026-/);
  });

  it('every standard rate is the one in the Commission’s TEDB in force on 1 January 2026 (percent, transcribed)', () => {
    const tedb: Record<string, number> = {
      AT: 20, BE: 21, BG: 20, CY: 19, CZ: 21, DE: 19, DK: 25, EE: 24, ES: 21, FI: 25.5, FR: 20, GR: 24, HR: 25, HU: 27,
      IE: 23, IT: 22, LT: 21, LU: 17, LV: 21, MT: 18, NL: 21, PL: 23, PT: 23, RO: 21, SE: 25, SI: 22, SK: 23,
    };
    expect(Object.fromEntries(Object.entries(EU_STANDARD_RATES_BP).map(([c, bp]) => [c, bp / 100]))).toEqual(tedb);
  });

  it('a consumer pays the rate of their own country (figures from the Commission’s 2026 table)', () => {
    expect(taxFor(fr, { country: 'FR', vatNumber: null })).toMatchObject({ rateBp: 2000, mention: null });
    expect(taxFor(fr, { country: 'DE', vatNumber: null })).toMatchObject({ rateBp: 1900, mention: null });
    expect(taxFor(fr, { country: 'HU', vatNumber: null })).toMatchObject({ rateBp: 2700 });
    expect(taxFor(fr, { country: 'LU', vatNumber: null })).toMatchObject({ rateBp: 1700 });
    expect(taxFor(fr, { country: 'FI', vatNumber: null })).toMatchObject({ rateBp: 2550 });
    expect(taxFor(fr, { country: 'RO', vatNumber: null })).toMatchObject({ rateBp: 2100 });
  });

  it('a business in another EU country with a valid VAT number: reverse charge at 0 %', () => {
    expect(taxFor(fr, { country: 'DE', vatNumber: 'DE 136 695 976' }))
      .toEqual({ rateBp: 0, mention: 'reverse_charge', buyerVatNumber: 'DE136695976' });
  });

  it('a business in the merchant’s own country pays its VAT', () => {
    expect(taxFor(fr, { country: 'FR', vatNumber: 'FR40303265045' }))
      .toEqual({ rateBp: 2000, mention: null, buyerVatNumber: 'FR40303265045' });
  });

  it('an invalid VAT number does not earn the reverse charge', () => {
    expect(taxFor(fr, { country: 'DE', vatNumber: 'DE123' })).toMatchObject({ rateBp: 1900, mention: null, buyerVatNumber: null });
    // A French number for a German address is not the buyer's own registration.
    expect(taxFor(fr, { country: 'DE', vatNumber: 'FR40303265045' })).toMatchObject({ rateBp: 1900 });
  });

  it('outside the EU: 0 %', () => {
    expect(taxFor(fr, { country: 'US', vatNumber: null })).toMatchObject({ rateBp: 0, mention: 'outside_eu' });
    expect(taxFor(fr, { country: 'CH', vatNumber: 'CHE-116.281.710 MWST' })).toMatchObject({ rateBp: 0, mention: 'outside_eu' });
  });

  it('a merchant under the franchise charges no VAT to anyone', () => {
    const franchise = { country: 'FR', vatRegistered: false };
    for (const country of ['FR', 'DE', 'US']) {
      expect(taxFor(franchise, { country, vatNumber: null })).toMatchObject({ rateBp: 0, mention: 'franchise' });
    }
  });

  it('a German merchant charges French consumers the French rate', () => {
    expect(taxFor({ country: 'DE', vatRegistered: true }, { country: 'FR', vatNumber: null })).toMatchObject({ rateBp: 2000 });
    expect(taxFor({ country: 'DE', vatRegistered: true }, { country: 'FR', vatNumber: 'FR40303265045' })).toMatchObject({ mention: 'reverse_charge' });
  });
});

describe('VAT number format check', () => {
  it('accepts well-formed numbers with valid check digits, spaces and dots tolerated', () => {
    expect(checkVatNumber('fr 40 303 265 045')).toEqual({ valid: true, normalized: 'FR40303265045', country: 'FR' });
    expect(checkVatNumber('DE136695976')).toMatchObject({ valid: true, country: 'DE' });
  });
  it('Greek numbers start with EL and belong to GR', () => {
    expect(checkVatNumber('EL094259216', 'GR')).toMatchObject({ valid: true, country: 'GR' });
  });
  it('refuses a wrong check digit, a wrong length and an unknown prefix', () => {
    expect(checkVatNumber('FR41303265045')).toEqual({ valid: false, reason: 'format' });
    expect(checkVatNumber('DE12345')).toEqual({ valid: false, reason: 'format' });
    expect(checkVatNumber('XX123456789')).toEqual({ valid: false, reason: 'unsupported_country' });
  });
});
