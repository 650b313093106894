import type { AdminLocale, AdminT } from './i18n.ts';
import { Csrf, type Errors, Field, Radios, SelectField } from './ui.tsx';

export interface CustomerFormView {
  t: AdminT;
  locale: AdminLocale;
  csrf: string;
  mode: 'create' | 'update';
  action: string;
  cancelHref: string;
  values: Record<string, string>;
  errors: Errors;
  countries: { code: string; name: string }[];
  /** Whether portal links can be made (the customer portal is installed). */
  portal: boolean;
}

/**
 * The cascading customer form of the help article: identity, reference, email, billing address,
 * then "automatic billing?" which opens either the card/SEPA branch (collected by the customer
 * through the portal) or the manual methods. CSS `:has()` shows the chosen branch, without script.
 */
export function CustomerForm({ view }: { view: CustomerFormView }) {
  const { t, values: val, errors } = view;
  const common = { t, errors };
  const hasErrors = Object.keys(errors).length > 0;
  return (
    <form method="post" action={view.action} class="card customer-form" noValidate>
      <Csrf value={view.csrf} />
      {hasErrors && (
        <div class="alert" role="alert" id="form-errors">
          {t('fix_errors')}
        </div>
      )}
      <fieldset>
        <legend>{t('identity')}</legend>
        <div class="row">
          <Field name="first_name" label={t('first_name')} value={val.first_name} autocomplete="off" {...common} />
          <Field name="last_name" label={t('last_name')} value={val.last_name} autocomplete="off" {...common} />
        </div>
        <Field name="company" label={t('company')} value={val.company} optional autocomplete="off" {...common} />
        <Field
          name="reference"
          label={t('customer_reference')}
          value={val.reference}
          optional={view.mode === 'create'}
          hint={view.mode === 'create' ? t('reference_hint') : undefined}
          autocomplete="off"
          {...common}
        />
        <Field name="email" label={t('email')} type="email" value={val.email} inputmode="email" autocomplete="off" required {...common} />
        <SelectField
          name="language"
          label={t('customer_language')}
          value={val.language || view.locale}
          options={[
            { value: 'en', label: t('lang_en') },
            { value: 'fr', label: t('lang_fr') },
          ]}
          {...common}
        />
      </fieldset>

      <fieldset>
        <legend>{t('billing_address')}</legend>
        <Field name="line1" label={t('line1')} value={val.line1} autocomplete="off" {...common} />
        <Field name="line2" label={t('line2')} value={val.line2} optional autocomplete="off" {...common} />
        <div class="row">
          <Field name="postal_code" label={t('postal_code')} value={val.postal_code} autocomplete="off" {...common} />
          <Field name="city" label={t('city')} value={val.city} autocomplete="off" {...common} />
        </div>
        <div class="row">
          <Field name="region" label={t('region')} value={val.region} optional autocomplete="off" {...common} />
          <SelectField
            name="country"
            label={t('country')}
            value={val.country}
            placeholder={t('choose_country')}
            options={view.countries.map((c) => ({ value: c.code, label: c.name }))}
            {...common}
          />
        </div>
        <div class="row">
          <Field name="phone" label={t('phone')} type="tel" value={val.phone} optional autocomplete="off" {...common} />
          <Field name="tax_id" label={t('tax_id')} value={val.tax_id} optional autocomplete="off" {...common} />
        </div>
      </fieldset>

      <Radios
        name="billing"
        legend={t('billing_mode')}
        value={val.billing}
        options={[
          { value: 'auto', label: t('billing_auto'), id: 'billing-auto' },
          { value: 'manual', label: t('billing_manual'), id: 'billing-manual' },
        ]}
        {...common}
      />

      <div class="cascade-auto">
        <p class="hint" id="auto-note">{t('auto_collect_note')}</p>
        {view.portal && (
          <Radios
            name="portal_link"
            legend={t('portal_link_choice')}
            value={val.portal_link || 'now'}
            options={[
              { value: 'now', label: t('link_now') },
              { value: 'later', label: t('link_later') },
            ]}
            {...common}
          />
        )}
      </div>

      <div class="cascade-manual">
        <Radios
          name="manual_method"
          legend={t('payment_method')}
          value={val.manual_method}
          options={[
            { value: 'bank_transfer', label: t('pm_bank_transfer') },
            { value: 'check', label: t('pm_check') },
            { value: 'cash', label: t('pm_cash') },
            { value: 'other', label: t('pm_other') },
          ]}
          {...common}
        />
      </div>

      <div class="buttons">
        <button type="submit">{t('save')}</button>
        <a class="button secondary" href={view.cancelHref}>
          {t('cancel')}
        </a>
      </div>
    </form>
  );
}
