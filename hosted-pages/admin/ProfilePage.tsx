import type { AdminT } from './i18n.ts';
import { Csrf, type Errors, Field, SelectField } from './ui.tsx';

export interface ProfileView {
  t: AdminT;
  csrf: string;
  values: Record<string, string>;
  errors: Errors;
  countries: { code: string; name: string }[];
  logoUrl: string | null;
}

/** The business profile and branding: one form for the text, one (multipart) for the logo. */
export function ProfilePage({ view }: { view: ProfileView }) {
  const { t, values, errors } = view;
  const f = (name: string, label: string, o: { type?: string; hint?: string; optional?: boolean; autocomplete?: string } = {}) => (
    <Field name={name} label={label} value={values[name]} errors={errors} t={t} {...o} />
  );
  return (
    <>
      <p>{t('profile_intro')}</p>
      <section class="card" aria-labelledby="h-profile">
        <h2 id="h-profile">{t('profile_title')}</h2>
        <form method="post" action="/admin/settings/profile" noValidate>
          <Csrf value={view.csrf} />
          {f('business_name', t('setup_business'), { autocomplete: 'organization' })}
          {f('legal_name', t('legal_name'))}
          {f('trading_name', t('trading_name'))}
          {f('line1', t('line1'), { autocomplete: 'address-line1' })}
          {f('line2', t('address_line2'), { optional: true, autocomplete: 'address-line2' })}
          {f('postal_code', t('postal_code'), { autocomplete: 'postal-code' })}
          {f('city', t('city'), { autocomplete: 'address-level2' })}
          <SelectField name="country" label={t('country')} value={values.country} errors={errors} t={t} placeholder={t('choose_country')} autocomplete="country" options={view.countries.map((c) => ({ value: c.code, label: c.name }))} />
          {f('company_number', t('company_number'))}
          {f('vat_number', t('vat_number'), { hint: t('vat_hint'), optional: true })}
          <SelectField name="vat_regime" label={t('vat_regime')} value={values.vat_regime} errors={errors} t={t} options={[{ value: 'registered', label: t('vat_regime_registered') }, { value: 'franchise', label: t('vat_regime_franchise') }]} />
          <p class="hint">{t('vat_regime_hint')}</p>
          {f('support_email', t('support_email'), { type: 'email' })}
          {f('support_url', t('support_url'), { type: 'url', optional: true })}
          {f('brand_color', t('brand_color'), { hint: t('brand_color_hint'), optional: true })}
          <SelectField name="default_locale" label={t('default_locale')} value={values.default_locale} errors={errors} t={t} options={[{ value: 'en', label: 'English' }, { value: 'fr', label: 'Français' }]} />
          <button type="submit">{t('save')}</button>
        </form>
      </section>
      <section class="card" aria-labelledby="h-logo">
        <h2 id="h-logo">{t('logo')}</h2>
        {view.logoUrl && <img class="logo-preview" src={view.logoUrl} alt={t('logo')} />}
        <form method="post" action="/admin/settings/logo" encType="multipart/form-data" noValidate>
          <Csrf value={view.csrf} />
          <div class="field field-logo">
            <label for="f-logo">{t('logo')}</label>
            <input id="f-logo" name="logo" type="file" accept="image/png,image/jpeg,image/webp" aria-describedby={errors.logo ? 'f-logo-hint f-logo-error' : 'f-logo-hint'} aria-invalid={errors.logo ? 'true' : undefined} />
            <p class="hint" id="f-logo-hint">{t('logo_hint')}</p>
            {errors.logo && <p class="error" id="f-logo-error">{t(errors.logo)}</p>}
          </div>
          <button type="submit">{t('logo_upload')}</button>
        </form>
      </section>
    </>
  );
}
