import type { OfferJson } from '../../server/offers/schema.ts';
import type { Locale, MessageKey } from '../i18n.ts';

/** Everything the checkout page renders: serialised into the page for hydration. */
export interface CheckoutView {
  locale: Locale;
  sessionId: string;
  merchantName: string;
  testMode: boolean;
  offer: Pick<OfferJson, 'name' | 'description' | 'currency' | 'amount_upfront' | 'recurring' | 'trial' | 'features'>;
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
