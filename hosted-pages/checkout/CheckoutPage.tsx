import { useRef, useState } from 'preact/hooks';
import { type MessageKey, translator } from '../i18n.ts';
import { postToHost } from '../embed/frame.ts';
import type { StripeHandle } from './stripe-element.ts';
import { OfferSummary } from './summary.tsx';
import type { CheckoutView } from './view.ts';

interface FieldProps {
  name: string;
  label: string;
  view: CheckoutView;
  type?: string;
  autocomplete?: string;
  inputmode?: 'numeric' | 'email' | 'text';
  optionalLabel?: string;
  required?: boolean;
  placeholder?: string;
}

function Field({ name, label, view, type = 'text', autocomplete, inputmode, optionalLabel, required = true, placeholder }: FieldProps) {
  const t = translator(view.locale);
  const error = view.errors[name];
  const id = `f-${name}`;
  return (
    <div class={`field field-${name}`}>
      <label for={id}>
        {label}
        {optionalLabel && <span class="muted"> ({optionalLabel})</span>}
      </label>
      <input
        id={id}
        name={name}
        type={type}
        defaultValue={view.values[name] ?? ''}
        autocomplete={autocomplete}
        inputMode={inputmode}
        placeholder={placeholder}
        required={required}
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
      />
      {error && (
        <p class="error" id={`${id}-error`}>
          {t(error)}
        </p>
      )}
    </div>
  );
}

function CountrySelect({ view }: { view: CheckoutView }) {
  const t = translator(view.locale);
  const error = view.errors.country;
  const current = (view.values.country ?? '').toUpperCase();
  return (
    <div class="field field-country">
      <label for="f-country">{t('country')}</label>
      <select id="f-country" name="country" required autocomplete="country" aria-invalid={error ? 'true' : undefined} aria-describedby={error ? 'f-country-error' : undefined}>
        <option value="">{t('choose_country')}</option>
        {view.countries.map((c) => (
          <option key={c.code} value={c.code} selected={c.code === current}>
            {c.name}
          </option>
        ))}
      </select>
      {error && (
        <p class="error" id="f-country-error">
          {t(error as MessageKey)}
        </p>
      )}
    </div>
  );
}

function TestPayment({ view }: { view: CheckoutView }) {
  const t = translator(view.locale);
  const sepa = view.values.payment_type === 'sepa_debit';
  return (
    <fieldset class="payment">
      <legend>{t('payment_method')}</legend>
      <div class="tabs">
        <input type="radio" id="pt-card" name="payment_type" value="card" defaultChecked={!sepa} />
        <label for="pt-card">{t('pay_card')}</label>
        <input type="radio" id="pt-sepa" name="payment_type" value="sepa_debit" defaultChecked={sepa} />
        <label for="pt-sepa">{t('pay_sepa')}</label>
      </div>
      {/* Both panels are in the page; CSS (:has) shows the chosen one, so this works without JS. */}
      <div class="panel panel-card">
        <Field name="card_number" label={t('card_number')} view={view} autocomplete="cc-number" inputmode="numeric" required={false} placeholder="4242 4242 4242 4242" />
        <div class="row">
          <Field name="card_expiry" label={t('card_expiry')} view={view} autocomplete="cc-exp" inputmode="numeric" required={false} placeholder="MM/YY" />
          <Field name="card_cvc" label={t('card_cvc')} view={view} autocomplete="cc-csc" inputmode="numeric" required={false} placeholder="123" />
        </div>
      </div>
      <div class="panel panel-sepa">
        <Field name="iban" label={t('iban')} view={view} autocomplete="off" required={false} placeholder="DE89 3704 0044 0532 0130 00" />
        <p class="muted small">{t('sepa_mandate')}</p>
      </div>
    </fieldset>
  );
}

export function CheckoutPage({ view }: { view: CheckoutView }) {
  const t = translator(view.locale);
  const [busy, setBusy] = useState(false);
  const stripe = useRef<StripeHandle | null>(null);
  const stripeRef = (el: HTMLDivElement | null) => {
    const gateway = view.gateway;
    if (!el || gateway.kind !== 'stripe' || stripe.current) return;
    // Loaded only for Stripe merchants: the test gateway's page never downloads it.
    import('./stripe-element.ts').then((m) => {
      stripe.current ??= m.mountStripe(el, gateway, view.locale);
    });
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
      // Card data goes from Stripe's iframe straight to Stripe; we post only the SetupIntent id.
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
      (form.elements.namedItem('setup_intent') as HTMLInputElement).value = setupIntent;
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
        <OfferSummary offer={view.offer} locale={view.locale} t={t} />
        <form method="post" action={`/checkout/${view.sessionId}?locale=${view.locale}${view.embedded ? '&embed=1' : ''}`} onSubmit={onSubmit} noValidate aria-busy={busy ? 'true' : 'false'}>
          <input type="hidden" name="csrf" value={view.csrf} />
          {view.formError && (
            <div class="alert" role="alert">
              {t(view.formError)}
            </div>
          )}
          <fieldset>
            <legend>{t('your_details')}</legend>
            <Field name="email" label={t('email')} view={view} type="email" autocomplete="email" inputmode="email" />
            <div class="row">
              <Field name="first_name" label={t('first_name')} view={view} autocomplete="given-name" />
              <Field name="last_name" label={t('last_name')} view={view} autocomplete="family-name" />
            </div>
            <Field name="company" label={t('company')} view={view} autocomplete="organization" optionalLabel={t('optional')} required={false} />
          </fieldset>
          <fieldset>
            <legend>{t('billing_address')}</legend>
            <Field name="line1" label={t('line1')} view={view} autocomplete="address-line1" />
            <div class="row">
              <Field name="postal_code" label={t('postal_code')} view={view} autocomplete="postal-code" />
              <Field name="city" label={t('city')} view={view} autocomplete="address-level2" />
            </div>
            <CountrySelect view={view} />
          </fieldset>
          {view.gateway.kind === 'test' ? (
            <TestPayment view={view} />
          ) : (
            <fieldset class="payment">
              <legend>{t('payment_method')}</legend>
              <div id="payment-element" ref={stripeRef} />
              <input type="hidden" name="setup_intent" value="" />
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
