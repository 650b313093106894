import { useRef, useState } from 'preact/hooks';
import { CountrySelect, Field, TestPaymentFields } from '../fields.tsx';
import { translator } from '../i18n.ts';
import { postToHost } from '../embed/frame.ts';
import type { StripeHandle } from './stripe-element.ts';
import { OfferSummary } from './summary.tsx';
import type { CheckoutView } from './view.ts';

export function CheckoutPage({ view }: { view: CheckoutView }) {
  const t = translator(view.locale);
  const [busy, setBusy] = useState(false);
  // The VAT number is asked for a company only; without JavaScript, once the page comes back with one.
  const [company, setCompany] = useState(!!view.values.company);
  const stripe = useRef<StripeHandle | null>(null);
  const stripeRef = (el: HTMLDivElement | null) => {
    const gateway = view.gateway;
    if (!el || gateway.kind !== 'stripe' || stripe.current) return;
    // Loaded only for Stripe merchants: the test gateway's page never downloads it.
    import('./stripe-element.ts').then((m) => {
      stripe.current ??= m.mountStripe(el, gateway, view.locale);
    });
  };

  const onInput = (event: Event) => {
    const field = event.target as HTMLInputElement;
    if (field.name === 'company') setCompany(field.value.trim() !== '');
  };

  const onSubmit = async (event: Event) => {
    const form = event.currentTarget as HTMLFormElement;
    if (busy) {
      event.preventDefault();
      return;
    }
    setBusy(true);
    if (view.embedded) postToHost(view.embedOrigin, { type: 'busy', busy: true });
    if (view.gateway.kind === 'stripe' && stripe.current) {
      // Card data goes from Stripe's iframe straight to Stripe; we post only the intent's id.
      event.preventDefault();
      // Details first: if the browser closes after Stripe confirms, the webhook can still finish.
      const saved = await fetch(`/checkout/${view.sessionId}/details`, { method: 'POST', body: new FormData(form) }).catch(() => undefined);
      if (!saved?.ok) {
        form.submit(); // the server re-renders the form with each field's error
        return;
      }
      const setupIntent = await stripe.current.confirm(form);
      if (!setupIntent) {
        setBusy(false);
        if (view.embedded) postToHost(view.embedOrigin, { type: 'busy', busy: false });
        return;
      }
      (form.elements.namedItem(view.gateway.intent === 'payment' ? 'payment_intent' : 'setup_intent') as HTMLInputElement).value = setupIntent;
      form.submit();
    }
  };

  return (
    <main class={view.embedded ? "checkout embedded" : "checkout"}>
      <header>
        <p class="merchant">{view.merchantName}</p>
        {view.testMode && <p class="test-banner">{t('test_mode')}</p>}
      </header>
      <div class="grid">
        <OfferSummary offer={view.offer} due={view.due} locale={view.locale} t={t} />
        <form method="post" action={`/checkout/${view.sessionId}?locale=${view.locale}${view.embedded ? '&embed=1' : ''}`} onSubmit={onSubmit} onInput={onInput} noValidate aria-busy={busy ? 'true' : 'false'}>
          <input type="hidden" name="csrf" value={view.csrf} />
          <input type="hidden" name="due_total" value={String(view.due.total)} />
          {view.formError && (
            <div class="alert" role="alert">
              {t(view.formError)}
            </div>
          )}
          <fieldset>
            <legend>{t('your_details')}</legend>
            <Field name="email" label={t('email')} form={view} t={t} type="email" autocomplete="email" inputmode="email" />
            <div class="row">
              <Field name="first_name" label={t('first_name')} form={view} t={t} autocomplete="given-name" />
              <Field name="last_name" label={t('last_name')} form={view} t={t} autocomplete="family-name" />
            </div>
            <Field name="company" label={t('company')} form={view} t={t} autocomplete="organization" optional />
            {(company || view.errors.tax_id) && <Field name="tax_id" label={t('vat_number')} form={view} t={t} optional />}
          </fieldset>
          <fieldset>
            <legend>{t('billing_address')}</legend>
            <Field name="line1" label={t('line1')} form={view} t={t} autocomplete="address-line1" />
            <div class="row">
              <Field name="postal_code" label={t('postal_code')} form={view} t={t} autocomplete="postal-code" />
              <Field name="city" label={t('city')} form={view} t={t} autocomplete="address-level2" />
            </div>
            <CountrySelect form={view} t={t} countries={view.countries} />
          </fieldset>
          {view.gateway.kind === 'test' ? (
            <fieldset>
              <legend>{t('payment_method')}</legend>
              <TestPaymentFields form={view} t={t} />
            </fieldset>
          ) : (
            <fieldset class="payment">
              <legend>{t('payment_method')}</legend>
              <div id="payment-element" ref={stripeRef} />
              <input type="hidden" name={view.gateway.intent === 'payment' ? 'payment_intent' : 'setup_intent'} value="" />
            </fieldset>
          )}
          <button type="submit" class="primary" disabled={busy}>
            {busy ? t('processing') : t('subscribe')}
          </button>
          <p class="muted small">{t('secure_note')}</p>
          <p>
            <a
              href={view.cancelUrl}
              class="back"
              target={view.embedded ? '_top' : undefined}
              onClick={(e) => {
                // In the widget, "back" closes the overlay instead of leaving the merchant's page.
                if (view.embedded && view.embedOrigin) {
                  e.preventDefault();
                  postToHost(view.embedOrigin, { type: 'close' });
                }
              }}
            >
              ← {t('back')}
            </a>
          </p>
        </form>
      </div>
    </main>
  );
}
