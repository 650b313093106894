import type { Locale } from '../i18n.ts';
import type { PortalMessage } from './i18n.ts';

/**
 * Everything the portal page renders, serialised into the page for hydration. Dates and prices
 * are formatted on the server so that the hydrated page shows exactly what was rendered.
 */
export interface PortalSubscriptionView {
  id: string;
  offerName: string;
  /** "€29.00 / month", in the page's language. */
  price: string;
  status: 'incomplete' | 'trialing' | 'active' | 'past_due' | 'unpaid' | 'canceled';
  trialEnd: string | null;
  periodEnd: string;
  cancelAtPeriodEnd: boolean;
  /** The confirmation step, when the subscription can still be canceled. */
  cancelHref: string | null;
  /** "Resume subscription" (a POST form), while a cancellation at period end is pending. */
  resume: { action: string; csrf: string } | null;
}

/** One of the customer's finalized invoices: its PDF, and "Pay" (the hosted invoice page) while open. */
export interface PortalInvoiceView {
  id: string;
  number: string;
  /** Finalization date, formatted in the page's language; `dateIso` for <time>. */
  date: string;
  dateIso: string;
  total: string;
  status: 'open' | 'paid' | 'void' | 'uncollectible' | 'draft';
  pdfHref: string;
  payHref: string | null;
}

export type PaymentMethodView =
  | { type: 'card'; brand: string; last4: string; exp: string }
  | { type: 'sepa_debit'; last4: string; country: string }
  | { type: 'bank_transfer' | 'check' | 'cash' | 'other' | 'none' };

export type PortalGatewayView =
  | { kind: 'test' }
  /** `state` is sealed by the server (MAC-bound to this link): the browser cannot swap SetupIntents. */
  | { kind: 'stripe'; publishableKey: string; clientSecret: string; state: string }
  | { kind: 'unavailable' };

export interface PortalFormView {
  action: string;
  csrf: string;
  values: Record<string, string>;
  errors: Partial<Record<string, PortalMessage>>;
  formError: PortalMessage | null;
}

export interface PortalView {
  locale: Locale;
  merchantName: string;
  testMode: boolean;
  customerName: string | null;
  notice: PortalMessage | null;
  subscriptions: PortalSubscriptionView[];
  invoices: PortalInvoiceView[];
  paymentMethod: PaymentMethodView;
  payment: PortalFormView & { gateway: PortalGatewayView; restricted: boolean };
  address: PortalFormView;
  countries: { code: string; name: string }[];
}
