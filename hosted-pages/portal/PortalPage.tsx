import { useRef, useState } from 'preact/hooks';
import { badgeClass } from '../badge.ts';
import { mountStripe, type StripeHandle } from '../checkout/stripe-element.ts';
import { CountrySelect, Field, TestPaymentFields } from '../fields.tsx';
import { type PortalTranslate, portalTranslator } from './i18n.ts';
import type { PaymentMethodView, PortalInvoiceView, PortalSubscriptionView, PortalView } from './view.ts';

type Busy = 'payment' | 'address' | null;

export function paymentMethodLabel(pm: PaymentMethodView, t: PortalTranslate): string {
  switch (pm.type) {
    case 'card':
      return `${pm.brand} •••• ${pm.last4}`;
    case 'sepa_debit':
      return `${t('pay_sepa')} •••• ${pm.last4}`;
    default:
      return t(`pm_${pm.type}`);
  }
}

function Plan({ sub, t }: { sub: PortalSubscriptionView; t: PortalTranslate }) {
  const titleId = `plan-${sub.id}`;
  return (
    <article class="plan" aria-labelledby={titleId}>
      <h3 class="offer-name" id={titleId}>
        {sub.offerName}
      </h3>
      <p class="price">{sub.price}</p>
      <p class={badgeClass(sub.status)}>{t(`status_${sub.status}`)}</p>
      <dl class="totals">
        {sub.status === 'trialing' && sub.trialEnd && (
          <div>
            <dt>{t('trial_end')}</dt>
            <dd>{sub.trialEnd}</dd>
          </div>
        )}
        {sub.status !== 'canceled' && (sub.status === 'active' || sub.cancelAtPeriodEnd) && (
          <div>
            <dt>{sub.cancelAtPeriodEnd ? t('ends_on') : t('renews_on')}</dt>
            <dd>{sub.periodEnd}</dd>
          </div>
        )}
      </dl>
      {sub.cancelAtPeriodEnd && sub.status !== 'canceled' && <p class="muted">{t('cancels_at_period_end')}</p>}
      {sub.resume && (
        <form method="post" action={sub.resume.action} class="inline-form">
          <input type="hidden" name="csrf" value={sub.resume.csrf} />
          <button type="submit" class="primary">
            {t('resume_subscription')}
          </button>
        </form>
      )}
      {sub.cancelHref && (
        <p>
          <a class="back" href={sub.cancelHref}>
            {t('cancel_subscription')}
          </a>
        </p>
      )}
    </article>
  );
}

/** The customer's invoices: a table that stacks into cards on a phone (styles: `.invoices`). */
function Invoices({ invoices, t }: { invoices: PortalInvoiceView[]; t: PortalTranslate }) {
  if (invoices.length === 0) return <p>{t('no_invoices')}</p>;
  return (
    <table class="invoices">
      <thead>
        <tr>
          <th scope="col">{t('invoice_number')}</th>
          <th scope="col">{t('invoice_date')}</th>
          <th scope="col">{t('invoice_total')}</th>
          <th scope="col">{t('invoice_status')}</th>
          <th scope="col"><span class="sr-only">PDF</span></th>
        </tr>
      </thead>
      <tbody>
        {invoices.map((inv) => (
          <tr key={inv.id} data-invoice={inv.id}>
            <td data-label={t('invoice_number')}>{inv.number}</td>
            <td data-label={t('invoice_date')}><time dateTime={inv.dateIso}>{inv.date}</time></td>
            <td data-label={t('invoice_total')}>{inv.total}</td>
            <td data-label={t('invoice_status')}><span class={badgeClass(inv.status)}>{t(`invoice_${inv.status}`)}</span></td>
            <td class="invoice-actions">
              <a href={inv.pdfHref} aria-label={t('invoice_pdf_label', { number: inv.number })} download>{t('invoice_pdf')}</a>
              {inv.payHref && (
                <a class="button" href={inv.payHref} aria-label={t('invoice_pay_label', { number: inv.number })}>{t('invoice_pay')}</a>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function CurrentMethod({ pm, t }: { pm: PaymentMethodView; t: PortalTranslate }) {
  return (
    <p id="current-payment-method">
      <strong>{paymentMethodLabel(pm, t)}</strong>
      {pm.type === 'card' && <span class="muted"> · {t('card_expires', { exp: pm.exp })}</span>}
    </p>
  );
}

export function PortalPage({ view }: { view: PortalView }) {
  const t = portalTranslator(view.locale);
  const [busy, setBusy] = useState<Busy>(null);
  const stripe = useRef<StripeHandle | null>(null);
  const gateway = view.payment.gateway;
  const stripeRef = (el: HTMLDivElement | null) => {
    if (el && gateway.kind === 'stripe' && !stripe.current) stripe.current = mountStripe(el, gateway, view.locale);
  };

  // Without JS the forms simply post; with JS a second click is ignored and the button says so.
  const guard = (which: Exclude<Busy, null>) => (event: Event) => {
    if (busy) {
      event.preventDefault();
      return;
    }
    setBusy(which);
  };

  const onPayment = async (event: Event) => {
    const form = event.currentTarget as HTMLFormElement;
    guard('payment')(event);
    if (event.defaultPrevented || gateway.kind !== 'stripe' || !stripe.current) return;
    // Card data goes from Stripe's iframe straight to Stripe; the form posts only the SetupIntent id.
    event.preventDefault();
    const setupIntent = await stripe.current.confirm(form);
    if (!setupIntent) {
      setBusy(null);
      return;
    }
    (form.elements.namedItem('setup_intent') as HTMLInputElement).value = setupIntent;
    form.submit();
  };

  const payment = view.payment;
  const address = view.address;
  return (
    <main class="portal">
      <header>
        <p class="merchant">{view.merchantName}</p>
        {view.testMode && <p class="test-banner">{t('test_mode')}</p>}
      </header>
      <h1>{t('portal_title')}</h1>
      {view.customerName && <p class="muted">{t('portal_for', { name: view.customerName })}</p>}
      {view.notice && (
        <p class="badge" role="status">
          {t(view.notice)}
        </p>
      )}
      <div class="grid">
        <section class="summary" aria-labelledby="plans-title">
          <h2 id="plans-title">{t('your_plans')}</h2>
          {view.subscriptions.length === 0 && <p>{t('no_subscriptions')}</p>}
          {view.subscriptions.map((sub) => (
            <Plan key={sub.id} sub={sub} t={t} />
          ))}
          <h2 id="pm-title">{t('current_payment_method')}</h2>
          <CurrentMethod pm={view.paymentMethod} t={t} />
          <h2 id="invoices-title">{t('invoices_title')}</h2>
          <Invoices invoices={view.invoices} t={t} />
        </section>
        <div>
          <div class="field">
            {payment.restricted || gateway.kind === 'unavailable' ? (
              <section class="summary" aria-labelledby="payment-title">
                <h2 id="payment-title">{t('change_payment_method')}</h2>
                <div class="alert" role="alert">
                  {payment.restricted ? `${t('restricted_title')}. ${t('restricted_body')}` : t('gateway_unavailable')}
                </div>
              </section>
            ) : (
              <form method="post" action={payment.action} onSubmit={onPayment} noValidate aria-busy={busy === 'payment' ? 'true' : 'false'}>
                <input type="hidden" name="csrf" value={payment.csrf} />
                <fieldset>
                  <legend>{t('change_payment_method')}</legend>
                  {payment.formError && (
                    <div class="alert" role="alert">
                      {t(payment.formError)}
                    </div>
                  )}
                  {gateway.kind === 'stripe' ? (
                    <>
                      <div id="payment-element" ref={stripeRef} />
                      <input type="hidden" name="setup_intent" value="" />
                      <input type="hidden" name="gateway_state" value={gateway.state} />
                    </>
                  ) : (
                    <TestPaymentFields form={payment} t={t} />
                  )}
                </fieldset>
                <button type="submit" class="primary" disabled={busy === 'payment'}>
                  {busy === 'payment' ? t('processing') : t('save_payment_method')}
                </button>
              </form>
            )}
          </div>
          <div class="field">
            <form method="post" action={address.action} onSubmit={guard('address')} noValidate aria-busy={busy === 'address' ? 'true' : 'false'}>
              <input type="hidden" name="csrf" value={address.csrf} />
              <fieldset>
                <legend>{t('billing_address')}</legend>
                {address.formError && (
                  <div class="alert" role="alert">
                    {t(address.formError)}
                  </div>
                )}
                <Field name="line1" label={t('line1')} form={address} t={t} autocomplete="address-line1" />
                <Field name="line2" label={t('line2')} form={address} t={t} autocomplete="address-line2" optional />
                <div class="row">
                  <Field name="postal_code" label={t('postal_code')} form={address} t={t} autocomplete="postal-code" />
                  <Field name="city" label={t('city')} form={address} t={t} autocomplete="address-level2" />
                </div>
                <Field name="region" label={t('region')} form={address} t={t} autocomplete="address-level1" optional />
                <CountrySelect form={address} t={t} countries={view.countries} />
                <Field name="phone" label={t('phone')} form={address} t={t} autocomplete="tel" inputmode="tel" optional />
                <Field name="tax_id" label={t('tax_id')} form={address} t={t} autocomplete="off" optional />
              </fieldset>
              <button type="submit" class="primary" disabled={busy === 'address'}>
                {busy === 'address' ? t('processing') : t('save_address')}
              </button>
            </form>
          </div>
        </div>
      </div>
    </main>
  );
}
