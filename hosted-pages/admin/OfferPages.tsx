import type { AdminT } from './i18n.ts';
import { Csrf, type Errors, Field, SelectField } from './ui.tsx';

export interface OfferRowView {
  id: string;
  name: string;
  reference: string;
  price: string;
  trial: string;
  setup: string;
  visible: boolean;
}

export function OfferList({ t, csrf, rows }: { t: AdminT; csrf: string; rows: OfferRowView[] }) {
  if (rows.length === 0) return <p class="card">{t('no_offers')}</p>;
  return (
    <section class="card" aria-label={t('offers_title')}>
      <table class="stack">
        <thead>
          <tr>
            <th scope="col">{t('offer_name')}</th>
            <th scope="col">{t('reference')}</th>
            <th scope="col">{t('price')}</th>
            <th scope="col">{t('status')}</th>
            <th scope="col">{t('actions')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((o) => (
            <tr key={o.id} data-offer={o.reference}>
              <td>
                <a href={`/admin/offers/${o.id}/edit`}>{o.name}</a>
              </td>
              <td>
                <span class="ref" title={o.reference}>{o.reference}</span>
              </td>
              <td data-label={t('price')}>
                {o.price}
                {o.trial && <div class="small muted">{o.trial}</div>}
                {o.setup && <div class="small muted">{o.setup}</div>}
              </td>
              <td>{o.visible ? <span class="badge okb">{t('badge_visible')}</span> : <span class="badge">{t('badge_hidden')}</span>}</td>
              <td>
                <form method="post" action={`/admin/offers/${o.id}/visibility`}>
                  <Csrf value={csrf} />
                  <input type="hidden" name="visible" value={o.visible ? '0' : '1'} />
                  <button type="submit" class="secondary small">{o.visible ? t('hide', { name: o.name }) : t('show', { name: o.name })}</button>
                </form>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

/** The usual ones first; an offer made through the API in another currency keeps its own in the list. */
const CURRENCIES = ['EUR', 'USD', 'GBP', 'CHF', 'CAD', 'AUD', 'JPY', 'SEK', 'DKK', 'NOK', 'PLN'];

export interface OfferFormView {
  t: AdminT;
  csrf: string;
  action: string;
  values: Record<string, string>;
  errors: Errors;
}

export function OfferForm({ view }: { view: OfferFormView }) {
  const { t, values: val, errors } = view;
  const common = { t, errors };
  return (
    <form method="post" action={view.action} class="card" noValidate>
      <Csrf value={view.csrf} />
      {Object.keys(errors).length > 0 && (
        <div class="alert" role="alert">
          {t('fix_errors')}
        </div>
      )}
      <div class="row">
        <Field name="name" label={t('offer_name')} value={val.name} required {...common} />
        <Field name="reference" label={t('reference')} value={val.reference} required {...common} />
      </div>
      <Field name="description" label={t('description')} value={val.description} optional multiline {...common} />
      <div class="row3">
        <SelectField
          name="currency"
          label={t('currency')}
          value={val.currency || 'EUR'}
          options={[...new Set([...CURRENCIES, val.currency || 'EUR'])].map((code) => ({ value: code, label: code }))}
          {...common}
        />
        <Field name="recurring_amount" label={t('recurring_amount')} value={val.recurring_amount} inputmode="decimal" required {...common} />
        <Field name="amount_upfront" label={t('upfront')} value={val.amount_upfront} inputmode="decimal" optional {...common} />
      </div>
      <div class="row">
        <SelectField
          name="interval"
          label={t('interval')}
          value={val.interval || 'month'}
          options={(['day', 'week', 'month', 'year'] as const).map((i) => ({ value: i, label: t(`int_${i}`) }))}
          {...common}
        />
        <Field name="interval_count" label={t('interval_count')} type="number" value={val.interval_count || '1'} inputmode="numeric" {...common} />
      </div>
      <SelectField
        name="tax_behavior"
        label={t('tax_behavior')}
        value={val.tax_behavior || 'inclusive'}
        options={(['inclusive', 'exclusive'] as const).map((b) => ({ value: b, label: t(`tax_behavior_${b}`) }))}
        {...common}
      />
      <p class="hint">{t('tax_behavior_hint')}</p>
      <div class="row">
        <Field name="trial_days" label={t('trial_days')} type="number" value={val.trial_days || '0'} inputmode="numeric" {...common} />
        <Field name="trial_amount" label={t('trial_amount')} value={val.trial_amount} inputmode="decimal" optional {...common} />
      </div>
      <Field name="features" label={t('features')} value={val.features} multiline optional {...common} />
      <fieldset aria-describedby="fr-hint">
        <legend>{t('fr_translation')}</legend>
        <p class="hint" id="fr-hint">
          {t('fr_translation_hint')}
        </p>
        <Field name="fr_name" label={t('fr_name')} value={val.fr_name} optional {...common} />
        <Field name="fr_description" label={t('fr_description')} value={val.fr_description} optional multiline {...common} />
        <Field name="fr_features" label={t('fr_features')} value={val.fr_features} multiline optional {...common} />
      </fieldset>
      <label class="choice" for="f-visible">
        <input type="checkbox" id="f-visible" name="visible" value="1" checked={val.visible === '1'} />
        <span>{t('visible')}</span>
      </label>
      <div class="buttons">
        <button type="submit">{t('save')}</button>
        <a class="button secondary" href="/admin/offers">
          {t('cancel')}
        </a>
      </div>
    </form>
  );
}
