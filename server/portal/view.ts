import { recurringLabel } from '../../hosted-pages/checkout/summary.tsx';
import { chargesVat } from '../billing/tax.ts';
import { taxLabel } from '../tax/label.ts';
import type { Locale } from '../../hosted-pages/i18n.ts';
import { type PortalMessage, portalTranslator } from '../../hosted-pages/portal/i18n.ts';
import type { PaymentMethodView, PortalFormView, PortalSubscriptionView, PortalView } from '../../hosted-pages/portal/view.ts';
import { type CheckoutOffer, loadOffer } from '../checkout/offer.ts';
import { localizeOffer } from '../offers/schema.ts';
import type { Customer } from '../customers/repository.ts';
import { countryOptions } from '../lib/countries.ts';
import { type Subscription, subscriptionRepository } from '../subscriptions/repository.ts';
import { type C, csrfToken, clientIp, type Portal, portalHref } from './context.tsx';
import { portalInvoices } from './invoices.ts';
import { isPaymentRestricted, preparePayment } from './payment.ts';
import { addressFields } from './schema.ts';

/** A form re-rendered after a failed post: what was typed (never card data) and each field's error. */
export interface FormState {
  values?: Record<string, string>;
  errors?: Partial<Record<string, PortalMessage>>;
  formError?: PortalMessage | null;
}

export const formatDate = (iso: string, locale: Locale): string =>
  new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: 'UTC' }).format(new Date(iso));

const capitalize = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

export function paymentMethodView(pm: Customer['paymentMethod']): PaymentMethodView {
  if (pm.type === 'card' && pm.card) {
    const { brand, last4, exp_month, exp_year } = pm.card;
    return { type: 'card', brand: capitalize(brand), last4, exp: `${String(exp_month).padStart(2, '0')}/${String(exp_year % 100).padStart(2, '0')}` };
  }
  if (pm.type === 'sepa_debit' && pm.sepa_debit) return { type: 'sepa_debit', ...pm.sepa_debit };
  return { type: pm.type === 'card' || pm.type === 'sepa_debit' ? 'none' : pm.type };
}

export const customerName = (c: Customer): string | null => [c.firstName, c.lastName].filter(Boolean).join(' ') || c.company || c.email || null;

const isLive = (s: Subscription): boolean => s.status !== 'canceled';

/** The customer's own subscriptions (live ones first, newest first), with their offers. */
export async function portalSubscriptions(c: C, p: Portal): Promise<{ sub: Subscription; offer: CheckoutOffer | undefined }[]> {
  const { db } = c.var.deps;
  const subs = await subscriptionRepository(db).list(p.merchant.id, { limit: 50, customerId: p.customer.id });
  subs.sort((a, b) => Number(isLive(b)) - Number(isLive(a)));
  const offers = new Map<string, CheckoutOffer | undefined>();
  for (const s of subs) if (!offers.has(s.offerId)) offers.set(s.offerId, await loadOffer(db, p.merchant.id, s.offerId));
  return subs.map((sub) => ({ sub, offer: offers.get(sub.offerId) }));
}

function subscriptionView(p: Portal, sub: Subscription, offer: CheckoutOffer | undefined, resumeCsrf: string): PortalSubscriptionView {
  const t = portalTranslator(p.locale);
  const cancelable = isLive(sub) && !sub.cancelAtPeriodEnd;
  return {
    id: sub.id,
    offerName: (offer && localizeOffer(offer, p.locale).name) ?? sub.offerId,
    // "29,00 € / mois TTC": whether the price includes VAT, as the grid and checkout say it.
    price: offer ? [recurringLabel(offer, p.locale, t), taxLabel(chargesVat(p.merchant.vat), offer.tax_behavior, p.locale)].filter(Boolean).join(' ') : '',
    status: sub.status,
    trialEnd: sub.trialEnd ? formatDate(sub.trialEnd, p.locale) : null,
    periodEnd: formatDate(sub.currentPeriodEnd, p.locale),
    cancelAtPeriodEnd: sub.cancelAtPeriodEnd,
    cancelHref: cancelable ? portalHref(p, `/subscriptions/${sub.id}/cancel`) : null,
    resume: isLive(sub) && sub.cancelAtPeriodEnd ? { action: portalHref(p, `/subscriptions/${sub.id}/resume`), csrf: resumeCsrf } : null,
  };
}

function addressValues(c: Customer): Record<string, string> {
  const a = c.billingAddress;
  return Object.fromEntries(addressFields.map((f) => [f, a?.[f] ?? '']));
}

const form = (action: string, csrf: string, values: Record<string, string>, state: FormState = {}): PortalFormView => ({
  action,
  csrf,
  values: state.values ?? values,
  errors: state.errors ?? {},
  formError: state.formError ?? null,
});

/** Everything the portal page shows, read fresh for this customer only. */
export async function buildPortalView(c: C, p: Portal, extra: { notice?: PortalMessage | null; payment?: FormState; address?: FormState } = {}): Promise<PortalView> {
  const ctx = { deps: c.var.deps, portal: p, ip: clientIp(c) };
  const restricted = await isPaymentRestricted(ctx);
  // A grey-listed customer is not offered the payment form at all, so nothing is prepared for it.
  const gateway = restricted ? ({ kind: 'test' } as const) : await preparePayment(ctx);
  const resumeCsrf = await csrfToken(c, p, 'resume');
  const subscriptions = (await portalSubscriptions(c, p)).map(({ sub, offer }) => subscriptionView(p, sub, offer, resumeCsrf));
  return {
    locale: p.locale,
    merchantName: p.merchant.name,
    testMode: p.merchant.mode === 'test',
    customerName: customerName(p.customer),
    notice: extra.notice ?? null,
    subscriptions,
    invoices: await portalInvoices(c, p),
    paymentMethod: paymentMethodView(p.customer.paymentMethod),
    payment: {
      ...form(portalHref(p, '/payment_method'), await csrfToken(c, p, 'payment'), { payment_type: 'card' }, extra.payment),
      gateway,
      restricted,
    },
    address: form(portalHref(p, '/billing_address'), await csrfToken(c, p, 'address'), addressValues(p.customer), extra.address),
    countries: countryOptions(p.locale),
  };
}
