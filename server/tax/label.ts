import type { TaxBehavior } from './amounts.ts';

/**
 * The few words under a price saying whether it includes VAT, as French and English shoppers
 * read them ("TTC"/"HT", "incl. VAT"/"excl. VAT"). `null` when the merchant charges no VAT (the
 * franchise, or no VAT set-up yet): saying "incl. VAT" there would be untrue.
 */
export function taxLabel(vatCharged: boolean, behavior: TaxBehavior, locale: string): string | null {
  if (!vatCharged) return null;
  if (locale === 'fr') return behavior === 'inclusive' ? 'TTC' : 'HT';
  return behavior === 'inclusive' ? 'incl. VAT' : 'excl. VAT';
}
