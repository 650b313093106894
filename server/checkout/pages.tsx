import type { Context, Hono } from 'hono';
import * as v from 'valibot';
import { CheckoutPage } from '../../hosted-pages/checkout/CheckoutPage.tsx';
import type { CheckoutView } from '../../hosted-pages/checkout/view.ts';
import { type Locale, type MessageKey, pickLocale, translator } from '../../hosted-pages/i18n.ts';
import { MessagePage } from '../../hosted-pages/MessagePage.tsx';
import { Confirmation } from '../../hosted-pages/checkout/Confirmation.tsx';
import type { EmbedPageProps } from '../../hosted-pages/embed/page.ts';
import { customerRepository } from '../customers/repository.ts';
import type { AppEnv } from '../http/env.ts';
import { formStrings } from '../http/validate.ts';
import { countryOptions } from '../lib/countries.ts';
import { sign, verifySignature } from '../lib/secrets.ts';
import { type Merchant, merchantRepository } from '../merchants/repository.ts';
import { GatewayUnavailable, type PaymentGateway } from '../gateways/port.ts';
import { gatewayFor } from '../gateways/select.ts';
import { subscriptionRepository } from '../subscriptions/repository.ts';
import { successRedirect } from './complete.ts';
import { dueTodayView } from './first-payment.ts';
import { saleTax } from '../billing/tax.ts';
import { invoiceRepository } from '../invoices/repository.ts';
import { upcomingInvoice } from '../invoices/service.ts';
import { loadOffer } from './offer.ts';
import { localizeOffer } from '../offers/schema.ts';
import { renderPage } from './render.ts';
import { restrictedPage } from './restricted.tsx';
import { type CheckoutSession, checkoutRepository } from './repository.ts';
import { type CheckoutForm, checkoutFormSchema } from './schema.ts';
import { checkoutService, effectiveStatus } from './service.ts';
import { type SubmitOutcome, submitCheckout } from './submit.ts';

export type C = Context<AppEnv>;

export const clientIp = (c: C): string | null => c.req.header('x-porte-client-ip') ?? null;
export const localeOf = (c: C, session?: CheckoutSession): Locale =>
  c.req.query('locale') === 'en' || c.req.query('locale') === 'fr'
    ? (c.req.query('locale') as Locale)
    : (session?.locale ?? pickLocale(null, c.req.header('Accept-Language')));

/** Checkout pages may be framed by, and redirect to, the merchant's allowed origins only. */
export const csp = (merchant: Merchant, stripe = false) => ({
  merchant,
  frameAncestors: merchant.allowedOrigins,
  formTargets: merchant.allowedOrigins,
  stripe,
});

export async function message(c: C, locale: Locale, title: MessageKey, body: MessageKey, status: 200 | 403 | 404 | 409 | 410 | 429 | 503, merchant?: Merchant, link?: string) {
  const t = translator(locale);
  return renderPage(c, {
    locale,
    title: t(title),
    status,
    ...(merchant ? csp(merchant) : {}),
    node: MessagePage({ title: t(title), body: t(body), children: link ? <a class="button" href={link} target="_top">{t('continue')}</a> : undefined }),
    hydrate: merchant ? await embedScript(c) : undefined,
  });
}

/**
 * In the widget's frame, every page gets the small script that lets the visitor leave (Esc) and
 * tells the widget where things stand; the session (this page's :id) says which origin to tell.
 */
export async function embedScript(c: C, subscribed?: string): Promise<{ bundle: string; props: EmbedPageProps } | undefined> {
  if (c.req.query('embed') !== '1') return undefined;
  const session = await checkoutService(c.var.deps).byId(c.req.param('id') ?? c.req.query('checkout_session_id') ?? '');
  return session?.embedOrigin ? { bundle: 'embed-page', props: { embedOrigin: session.embedOrigin, subscribed } } : undefined;
}

/** CSRF for the checkout form: a token bound to the session, and the post must come from our own origin. */
export async function csrfOk(c: C, session: CheckoutSession, token: string): Promise<boolean> {
  const origin = c.req.header('Origin');
  if (origin && origin !== new URL(c.var.deps.config.publicUrl).origin && origin !== new URL(c.req.url).origin) return false;
  if (c.req.header('Sec-Fetch-Site') === 'cross-site') return false;
  return verifySignature(c.var.deps.db, 'checkout-csrf', session.id, token);
}

export interface Loaded {
  session: CheckoutSession;
  merchant: Merchant;
  offer: NonNullable<Awaited<ReturnType<typeof loadOffer>>>;
}

export async function load(c: C, id = c.req.param('id') ?? ''): Promise<Loaded | undefined> {
  const { deps } = c.var;
  const session = await checkoutService(deps).byId(id);
  if (!session) return undefined;
  const merchant = await merchantRepository(deps.db).byId(session.merchantId);
  const offer = merchant && (await loadOffer(deps.db, merchant.id, session.offerId));
  return merchant && offer ? { session, merchant, offer } : undefined;
}

async function renderCheckout(c: C, l: Loaded, extra: { values?: Record<string, string>; errors?: CheckoutView['errors']; formError?: MessageKey | null; status?: 200 | 422 | 503 } = {}) {
  const { deps } = c.var;
  const locale = localeOf(c, l.session);
  // A returning customer sees what Porte already knows of them, but only when the reference was
  // vouched for (secret key or identity hash): in test mode anyone may claim any reference.
  const known =
    l.session.customerReference && l.session.customerHashVerified
      ? await customerRepository(deps.db).byReference(l.merchant.id, l.session.customerReference)
      : undefined;
  const prefill = {
    email: l.session.prefill.email ?? known?.email ?? undefined,
    first_name: l.session.prefill.first_name ?? known?.firstName ?? undefined,
    last_name: l.session.prefill.last_name ?? known?.lastName ?? undefined,
    company: l.session.prefill.company ?? known?.company ?? undefined,
    billing_address: l.session.prefill.billing_address ?? known?.billingAddress ?? undefined,
  };
  // "Due today" for the buyer known so far (prefill, or the customer's saved address; else a
  // consumer in the merchant's own country). The submitted form decides what is charged.
  const shown = extra.values ?? {};
  const buyer = {
    country: shown.country || prefill.billing_address?.country || null,
    vatNumber: (shown.company ?? prefill.company) ? (shown.tax_id ?? prefill.billing_address?.tax_id ?? null) || null : null,
  };
  const due = dueTodayView(l.offer, saleTax(l.merchant, buyer));
  let prepared: Awaited<ReturnType<PaymentGateway['prepare']>>;
  try {
    const gateway = await gatewayFor(l.merchant, deps);
    prepared = await gateway.prepare({
      idempotencyBase: l.session.id,
      email: l.session.customerEmail,
      name: null,
      state: l.session.gatewayState,
      metadata: { porte_checkout_session: l.session.id, porte_merchant: l.merchant.id },
      // "Due today" is paid in the page (3-D Secure on-session) when there is anything to pay.
      ...(due.total > 0 ? { payment: { amount: due.total, currency: l.offer.currency, description: l.offer.name } } : {}),
    });
  } catch (error) {
    if (!(error instanceof GatewayUnavailable)) throw error;
    return message(c, locale, 'unavailable_title', 'gateway_unavailable', 503, l.merchant);
  }
  if (prepared.gateway === 'stripe') await checkoutRepository(deps.db).saveGatewayState(l.session.id, { ...l.session.gatewayState, ...prepared.state });
  const view: CheckoutView = {
    locale,
    sessionId: l.session.id,
    merchantName: l.merchant.name,
    testMode: l.merchant.mode === 'test',
    offer: localizeOffer(l.offer, locale),
    due,
    values: extra.values ?? {
      email: prefill.email ?? l.session.customerEmail ?? '',
      first_name: prefill.first_name ?? '',
      last_name: prefill.last_name ?? '',
      company: prefill.company ?? '',
      tax_id: prefill.billing_address?.tax_id ?? '',
      line1: prefill.billing_address?.line1 ?? '',
      postal_code: prefill.billing_address?.postal_code ?? '',
      city: prefill.billing_address?.city ?? '',
      country: prefill.billing_address?.country ?? '',
    },
    errors: extra.errors ?? {},
    formError: extra.formError ?? null,
    csrf: await sign(deps.db, 'checkout-csrf', l.session.id),
    cancelUrl: l.session.cancelUrl,
    countries: countryOptions(locale),
    gateway:
      prepared.gateway === 'stripe' && prepared.publishableKey && prepared.clientSecret
        ? { kind: 'stripe', publishableKey: prepared.publishableKey, clientSecret: prepared.clientSecret, intent: prepared.intent ?? 'setup' }
        : { kind: 'test' },
    embedded: c.req.query('embed') === '1',
    embedOrigin: l.session.embedOrigin,
  };
  return renderPage(c, {
    locale,
    title: `${localizeOffer(l.offer, locale).name} — ${l.merchant.name}`,
    status: extra.status,
    ...csp(l.merchant, view.gateway.kind === 'stripe'),
    node: <CheckoutPage view={view} />,
    hydrate: { bundle: 'checkout', props: view },
  });
}

/**
 * The end of a completed checkout (CONTRACT.md "Hosted pages"): Porte's confirmation page when no
 * success URL applies, and the widget's success step (with "Continue" to the success URL).
 */
export async function confirmation(c: C, l: Loaded): Promise<Response> {
  const locale = localeOf(c, l.session);
  const t = translator(locale);
  const embed = c.req.query('embed') === '1';
  const subscription = l.session.subscriptionId ? await subscriptionRepository(c.var.deps.db).byId(l.merchant.id, l.session.subscriptionId) : undefined;
  const renews = subscription && subscription.status !== 'canceled' && !subscription.cancelAtPeriodEnd;
  // The next charge is the upcoming invoice's total (VAT included), the one computation the API uses.
  const next = renews ? await upcomingInvoice(c.var.deps, l.merchant, subscription.id).catch(() => undefined) : undefined;
  const first = subscription?.latestInvoice ? await invoiceRepository(c.var.deps.db).byId(l.merchant.id, subscription.latestInvoice) : undefined;
  const view = {
    offer: l.offer,
    merchantName: l.merchant.name,
    ...(first && first.billingReason === 'subscription_create' ? { chargedToday: first.total } : {}),
    nextChargeAt: renews ? subscription.currentPeriodEnd : null,
    nextChargeAmount: next ? next.total : null,
    continueUrl: embed ? successRedirect(l.session) : undefined,
  };
  return renderPage(c, {
    locale,
    title: t('complete_title'),
    ...csp(l.merchant),
    node: <Confirmation view={view} locale={locale} t={t} />,
    hydrate: await embedScript(c, l.session.id),
  });
}

/** Turns a submit outcome into a page or a redirect. */
export async function respond(c: C, l: Loaded, outcome: SubmitOutcome, form?: CheckoutForm): Promise<Response> {
  const locale = localeOf(c, l.session);
  const embed = c.req.query('embed') === '1';
  switch (outcome.kind) {
    case 'completed':
      // In the widget's iframe, the "done" page tells the merchant's page; otherwise go to success_url.
      return c.redirect(embed ? `/checkout/${l.session.id}/done?embed=1&locale=${locale}` : outcome.redirect, 303);
    case 'requires_action':
      return c.redirect(`${outcome.redirect}?locale=${locale}${embed ? '&embed=1' : ''}`, 303);
    case 'restricted':
      return restrictedPage(c, locale, l.merchant, await embedScript(c));
    case 'erased':
      return message(c, locale, 'erased_title', 'erased_body', 409, l.merchant, l.session.cancelUrl);
    case 'closed':
      if (outcome.status !== 'complete') return message(c, locale, 'expired_title', 'expired_body', 410, l.merchant, l.session.cancelUrl);
      return outcome.redirect && !embed ? c.redirect(outcome.redirect, 303) : confirmation(c, l);
    case 'invalid': {
      // What was typed comes back after an error in another field, the test gateway's card fields
      // included (test mode only: real cards never reach Porte). After a decline the customer needs
      // another card, so none of it is kept, and never the CVC.
      const declined = outcome.formError === 'card_declined' || outcome.formError === 'authentication_failed';
      const { card_number, card_cvc, card_expiry, iban, csrf: _t, setup_intent: _s, payment_intent: _p, ...kept } = form ?? ({} as CheckoutForm);
      const values: Record<string, string> = declined ? kept : { ...kept, card_number, card_expiry, card_cvc, iban };
      const status = outcome.formError === 'gateway_unavailable' ? 503 : 422;
      return renderCheckout(c, l, { values: outcome.values ?? values, errors: outcome.errors, formError: outcome.formError ?? null, status });
    }
  }
}

export function checkoutPages(app: Hono<AppEnv>): void {
  // The default success URL (shareable links without the merchant's own): checkout_session_id is appended.
  app.get('/checkout/thanks', async (c) => {
    const l = await load(c, c.req.query('checkout_session_id') ?? '');
    if (l?.session.status === 'complete') return confirmation(c, l);
    const locale = localeOf(c);
    const t = translator(locale);
    return renderPage(c, { locale, title: t('complete_title'), node: MessagePage({ title: t('complete_title'), body: '' }) });
  });

  app.get('/checkout/:id/done', async (c) => {
    const l = await load(c);
    const locale = localeOf(c, l?.session);
    if (l?.session.status !== 'complete') return message(c, locale, 'not_found_title', 'not_found_body', 404);
    return confirmation(c, l);
  });

  app.get('/checkout/:id', async (c) => {
    const l = await load(c);
    const locale = localeOf(c, l?.session);
    if (!l) return message(c, locale, 'not_found_title', 'not_found_body', 404);
    const status = effectiveStatus(l.session, c.var.deps.clock());
    if (status !== 'open') return respond(c, l, { kind: 'closed', status });
    // Anonymized since the session was created: say so now, before anyone types a card number.
    if (l.session.customerReference) {
      const customer = await customerRepository(c.var.deps.db).byReference(l.merchant.id, l.session.customerReference);
      if (customer?.status === 'anonymized') return respond(c, l, { kind: 'erased' });
    }
    return renderCheckout(c, l);
  });

  app.post('/checkout/:id', async (c) => {
    const l = await load(c);
    const locale = localeOf(c, l?.session);
    if (!l) return message(c, locale, 'not_found_title', 'not_found_body', 404);
    const parsed = v.safeParse(checkoutFormSchema, await formStrings(c.req));
    if (!parsed.success) return respond(c, l, { kind: 'invalid', errors: {}, formError: 'fix_errors' });
    if (!(await csrfOk(c, l.session, parsed.output.csrf))) return message(c, locale, 'not_found_title', 'not_found_body', 403, l.merchant);
    const outcome = await submitCheckout({ deps: c.var.deps, merchant: l.merchant, session: l.session, offer: l.offer, ip: clientIp(c), locale }, parsed.output);
    return respond(c, l, outcome, parsed.output);
  });
}
