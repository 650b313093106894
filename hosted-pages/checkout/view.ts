import type { OfferJson } from '../../server/offers/schema.ts';
import type { Locale, MessageKey } from '../i18n.ts';

/** Everything the checkout page renders: serialised into the page for hydration. */
export interface CheckoutView {
  locale: Locale;
  sessionId: string;
  merchantName: string;
  testMode: boolean;
  offer: Pick<OfferJson, 'name' | 'description' | 'currency' | 'amount_upfront' | 'recurring' | 'trial' | 'features'>;
  /** "Due today" with its VAT, for the buyer the form describes so far (see `DueToday`). */
  due: DueToday;
  values: Record<string, string>;
  errors: Partial<Record<string, MessageKey>>;
  formError: MessageKey | null;
  csrf: string;
  cancelUrl: string;
  countries: { code: string; name: string }[];
  gateway: { kind: 'test' } | { kind: 'stripe'; publishableKey: string; clientSecret: string; intent: 'setup' | 'payment' };
  /** Inside the widget's iframe: results are also told to the parent frame. */
  embedded: boolean;
  /** The merchant page's origin (widget sessions): the only origin the page posts messages to. */
  embedOrigin: string | null;
}

/**
 * What the checkout charges today. `vat` is null when the merchant has no VAT set-up (nothing is
 * said about VAT); `rate` is a percentage (20, 25.5), `mention` says why it is 0 or absent.
 */
export interface DueToday {
  total: number;
  /**
   * The first invoice's lines as the summary lists them, at the price as the offer states it
   * (VAT included for an inclusive offer, excluded otherwise), so that they add up: to the total
   * with an inclusive offer, to the total less the VAT line with an exclusive one.
   */
  lines: { kind: 'setup' | 'period' | 'trial'; amount: number }[];
  vat: { rate: number | null; amount: number; inclusive: boolean; mention: 'reverse_charge' | 'outside_eu' | 'franchise' | null } | null;
}
