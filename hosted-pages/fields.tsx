import { useState } from 'preact/hooks';
import type { MessageKey } from './i18n.ts';

/** What a form field needs: the values typed so far and each field's error (a message key). */
export interface FormState<K extends string> {
  values: Record<string, string>;
  errors: Partial<Record<string, K | MessageKey>>;
}
/**
 * The error of the last submission for a field, until the field changes (once hydrated): then it
 * goes at once, message and red border, while other fields keep theirs. Keyed on the errors object,
 * so the next submission's errors show again.
 */
function useFieldError<K extends string>(form: FormState<K>, name: string): [K | MessageKey | undefined, () => void] {
  const [clearedFor, setClearedFor] = useState<object | undefined>(undefined);
  const error = clearedFor === form.errors ? undefined : form.errors[name];
  return [error, () => error && setClearedFor(form.errors)];
}

/** Any translator that knows the shared keys (checkout's, or the portal's which adds its own). */
type Translate<K extends string> = (key: K | MessageKey) => string;

interface FieldProps<K extends string> {
  name: string;
  label: string;
  form: FormState<K>;
  t: Translate<K>;
  type?: string;
  autocomplete?: string;
  inputmode?: 'numeric' | 'tel' | 'text' | 'email';
  /** Shows "(optional)" and does not require the field. */
  optional?: boolean;
  /** Card and IBAN fields: only one panel applies, so neither is `required` in the markup. */
  required?: boolean;
  placeholder?: string;
}

/** A labelled input whose error (if any) sits under it and is announced with it. */
export function Field<K extends string>({ name, label, form, t, type = 'text', autocomplete, inputmode, optional = false, required = !optional, placeholder }: FieldProps<K>) {
  const [error, clear] = useFieldError(form, name);
  const id = `f-${name}`;
  return (
    <div class={`field field-${name}`}>
      <label for={id}>
        {label}
        {optional && <span class="muted"> ({t('optional')})</span>}
      </label>
      <input
        id={id}
        name={name}
        type={type}
        defaultValue={form.values[name] ?? ''}
        autocomplete={autocomplete}
        inputMode={inputmode}
        placeholder={placeholder}
        required={required}
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
        onInput={clear}
      />
      {error && (
        <p class="error" id={`${id}-error`}>
          {t(error)}
        </p>
      )}
    </div>
  );
}

export function CountrySelect<K extends string>({ form, t, countries }: { form: FormState<K>; t: Translate<K>; countries: { code: string; name: string }[] }) {
  const [error, clear] = useFieldError(form, 'country');
  const current = (form.values.country ?? '').toUpperCase();
  return (
    <div class="field field-country">
      <label for="f-country">{t('country')}</label>
      <select id="f-country" name="country" required autocomplete="country" aria-invalid={error ? 'true' : undefined} aria-describedby={error ? 'f-country-error' : undefined} onChange={clear}>
        <option value="">{t('choose_country')}</option>
        {countries.map((c) => (
          <option key={c.code} value={c.code} selected={c.code === current}>
            {c.name}
          </option>
        ))}
      </select>
      {error && (
        <p class="error" id="f-country-error">
          {t(error)}
        </p>
      )}
    </div>
  );
}

/** The test gateway's card and IBAN fields; the chosen panel is shown by CSS (:has), so no JS is needed. */
export function TestPaymentFields<K extends string>({ form, t }: { form: FormState<K>; t: Translate<K> }) {
  const sepa = form.values.payment_type === 'sepa_debit';
  return (
    <div class="payment">
      <div class="tabs" role="radiogroup" aria-label={t('payment_method')}>
        <input type="radio" id="pt-card" name="payment_type" value="card" defaultChecked={!sepa} />
        <label for="pt-card">{t('pay_card')}</label>
        <input type="radio" id="pt-sepa" name="payment_type" value="sepa_debit" defaultChecked={sepa} />
        <label for="pt-sepa">{t('pay_sepa')}</label>
      </div>
      <div class="panel panel-card">
        <Field name="card_number" label={t('card_number')} form={form} t={t} autocomplete="cc-number" inputmode="numeric" required={false} placeholder="4242 4242 4242 4242" />
        <div class="row">
          <Field name="card_expiry" label={t('card_expiry')} form={form} t={t} autocomplete="cc-exp" inputmode="numeric" required={false} placeholder="MM/YY" />
          <Field name="card_cvc" label={t('card_cvc')} form={form} t={t} autocomplete="cc-csc" inputmode="numeric" required={false} placeholder="123" />
        </div>
      </div>
      <div class="panel panel-sepa">
        <Field name="iban" label={t('iban')} form={form} t={t} autocomplete="off" required={false} placeholder="DE89 3704 0044 0532 0130 00" />
        <p class="muted small">{t('sepa_mandate')}</p>
      </div>
    </div>
  );
}
