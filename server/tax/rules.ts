import { EU_STANDARD_RATES_BP, isEuCountry } from './rates.ts';
import { checkVatNumber } from './vat-number.ts';

/**
 * Which VAT applies to a sale, and which legal mention the invoice must carry. Pure: the caller
 * passes the merchant's settings and the customer's billing country and VAT number.
 */
export type TaxMention = 'franchise' | 'reverse_charge' | 'outside_eu' | null;

export interface TaxSeller {
  /** ISO country of the merchant's establishment. */
  country: string;
  /** false = "franchise en base" (CGI art. 293 B): no VAT charged. */
  vatRegistered: boolean;
}

export interface TaxBuyer {
  country: string | null;
  /** The customer's VAT number (billing_address.tax_id); makes an EU buyer a business buyer. */
  vatNumber: string | null;
}

export interface TaxDecision {
  /** Basis points: 2000 = 20 %. */
  rateBp: number;
  mention: TaxMention;
  /** The buyer's VAT number as checked, when it was valid. */
  buyerVatNumber: string | null;
}

export function taxFor(seller: TaxSeller, buyer: TaxBuyer): TaxDecision {
  const checked = buyer.vatNumber ? checkVatNumber(buyer.vatNumber, buyer.country) : null;
  const buyerVatNumber = checked?.valid ? checked.normalized : null;
  if (!seller.vatRegistered) return { rateBp: 0, mention: 'franchise', buyerVatNumber };
  const sellerCountry = seller.country.toUpperCase();
  // No known country: tax as a domestic sale (the safe side for the merchant).
  const country = (buyer.country ?? sellerCountry).toUpperCase();
  if (!isEuCountry(country)) return { rateBp: 0, mention: 'outside_eu', buyerVatNumber };
  if (country !== sellerCountry && buyerVatNumber !== null) {
    return { rateBp: 0, mention: 'reverse_charge', buyerVatNumber };
  }
  // A consumer anywhere in the EU, or a business in the merchant's own country: the customer's
  // country's rate (which is the merchant's own rate for its own country).
  return { rateBp: EU_STANDARD_RATES_BP[country], mention: null, buyerVatNumber };
}
