import type { Customer } from '../customers/repository.ts';
import type { Merchant } from '../merchants/repository.ts';
import { type TaxBuyer, taxFor } from '../tax/rules.ts';
import type { SaleTax } from './totals.ts';

type VatSetup = Merchant['vat'];

/**
 * The VAT of a sale by this environment's account to this buyer (server/tax/rules.ts decides).
 * An account without a country has no VAT set-up: no VAT at all (null), so accounts that never
 * filled in their profile keep billing exactly the amounts they always did.
 */
export function saleTaxOf(vat: VatSetup, buyer: TaxBuyer): SaleTax | null {
  if (!vat.country) return null;
  const d = taxFor({ country: vat.country, vatRegistered: vat.regime === 'registered' }, buyer);
  return { rateBp: d.rateBp, mention: d.mention };
}

export const buyerOf = (c: Pick<Customer, 'billingAddress'> | undefined): TaxBuyer => ({
  country: c?.billingAddress?.country ?? null,
  vatNumber: c?.billingAddress?.tax_id ?? null,
});

/** The merchant row carries its account's VAT set-up (one join), so this reads nothing more. */
export const saleTax = (merchant: Pick<Merchant, 'vat'>, buyer: TaxBuyer): SaleTax | null => saleTaxOf(merchant.vat, buyer);

/** Whether this account charges VAT at all: registered, with the country the rules need. */
export const chargesVat = (vat: VatSetup): boolean => !!vat.country && vat.regime === 'registered';
