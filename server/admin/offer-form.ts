import * as v from 'valibot';
import type { AdminKey, AdminLocale } from '../../hosted-pages/admin/i18n.ts';
import type { Errors } from '../../hosted-pages/admin/ui.tsx';
import type { Offer } from '../offers/repository.ts';
import { isCurrencyCode, type OfferCreate, type OfferUpdate, offerCreateSchema, offerUpdateSchema } from '../offers/schema.ts';
import type { Form } from './context.ts';

export type Values = Record<string, string>;

/** Decimals of a currency per ISO 4217 (EUR 2, JPY 0, KWD 3), from the runtime's ICU. */
export function currencyDigits(currency: string): number {
  if (!isCurrencyCode(currency)) return 2;
  return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
}

/**
 * "9.90", "9,90", "1 234,5" → minor units, by string arithmetic (no float rounding). Undefined
 * when it is not an amount with at most the currency's decimals.
 */
export function parseAmount(text: string, currency: string): number | undefined {
  const digits = currencyDigits(currency);
  const compact = text.replace(/[\s\u00a0\u202f']/g, '').replace(',', '.');
  const match = /^(\d{1,9})(?:\.(\d*))?$/.exec(compact);
  if (!match) return undefined;
  const fraction = match[2] ?? '';
  if (fraction.length > digits) return undefined;
  return Number(match[1]) * 10 ** digits + Number(fraction.padEnd(digits, '0') || '0');
}

/** Minor units → what the amount field shows, with the UI language's decimal separator. */
export function amountText(minor: number, currency: string, locale: AdminLocale): string {
  const digits = currencyDigits(currency);
  const text = digits === 0 ? String(minor) : `${Math.floor(minor / 10 ** digits)}.${String(minor % 10 ** digits).padStart(digits, '0')}`;
  return locale === 'fr' ? text.replace('.', ',') : text;
}

export function offerValues(o: Offer, locale: AdminLocale): Values {
  return {
    reference: o.reference,
    name: o.name,
    description: o.description ?? '',
    currency: o.currency,
    recurring_amount: amountText(o.recurring.amount, o.currency, locale),
    interval: o.recurring.interval,
    interval_count: String(o.recurring.intervalCount),
    amount_upfront: amountText(o.amountUpfront, o.currency, locale),
    trial_days: String(o.trial.days),
    trial_amount: amountText(o.trial.amount, o.currency, locale),
    features: o.features.join('\n'),
    visible: o.visible ? '1' : '',
    tax_behavior: o.taxBehavior,
    fr_name: o.translations.fr?.name ?? '',
    fr_description: o.translations.fr?.description ?? '',
    fr_features: (o.translations.fr?.features ?? []).join('\n'),
  };
}

/** Where the offers API's param names land in the form. */
export const fieldOfParam: Record<string, string> = {
  'recurring.amount': 'recurring_amount',
  'recurring.interval': 'interval',
  'recurring.interval_count': 'interval_count',
  'trial.days': 'trial_days',
  'trial.amount': 'trial_amount',
  recurring: 'recurring_amount',
  trial: 'trial_days',
  'translations.fr.name': 'fr_name',
  'translations.fr.description': 'fr_description',
  'translations.fr.features': 'fr_features',
};

const lines = (text: string | undefined): string[] => (text ?? '').split('\n').map((f) => f.trim()).filter(Boolean);

/**
 * The French fieldset as the API's `translations`: only the fields filled in, so an empty one
 * falls back to the default text. An all-empty fieldset sends `{}`, which on edit clears them.
 */
function translationsOf(values: Values): { fr?: Record<string, unknown> } {
  const fr: Record<string, unknown> = {};
  if (values.fr_name) fr.name = values.fr_name;
  if (values.fr_description) fr.description = values.fr_description;
  const features = lines(values.fr_features);
  if (features.length > 0) fr.features = features;
  return Object.keys(fr).length > 0 ? { fr } : {};
}

function messageFor(field: string, issue: v.BaseIssue<unknown>): AdminKey {
  // The French fields follow the same rules as the default ones they translate.
  switch (field.replace(/^fr_/, '')) {
    case 'reference':
      return 'reference_invalid';
    case 'name':
      return issue.type === 'min_length' ? 'required' : 'too_long';
    case 'currency':
      return 'currency_invalid';
    case 'interval_count':
      return issue.type === 'check' ? 'period_too_long' : 'number_invalid';
    case 'trial_amount':
      return issue.type === 'check' ? 'trial_amount_needs_days' : 'amount_invalid';
    case 'features':
      return 'features_invalid';
    case 'description':
      return 'too_long';
    case 'trial_days':
      return 'number_invalid';
    default:
      return field.includes('amount') ? 'amount_invalid' : 'invalid_value';
  }
}

/** Reads the offer form into the API's own input, validated by the API's own schema. */
export function parseOfferForm(form: Form, mode: 'create' | 'update'): { values: Values; errors: Errors; input?: OfferCreate & OfferUpdate } {
  const names = ['reference', 'name', 'description', 'currency', 'recurring_amount', 'interval', 'interval_count', 'amount_upfront', 'trial_days', 'trial_amount', 'tax_behavior'];
  const values: Values = Object.fromEntries(names.map((n) => [n, form.text(n)]));
  values.currency = (values.currency ?? '').toUpperCase();
  values.features = form.all('features')[0] ?? '';
  values.visible = form.text('visible') ? '1' : '';
  values.fr_name = form.text('fr_name');
  values.fr_description = form.text('fr_description');
  values.fr_features = form.all('fr_features')[0] ?? '';
  const errors: Errors = {};
  const currency = values.currency ?? '';

  const amount = (field: string, fallback: number | undefined): number | undefined => {
    const text = values[field] ?? '';
    if (!text) return fallback;
    const parsed = parseAmount(text, currency);
    if (parsed === undefined) errors[field] = 'amount_invalid';
    return parsed;
  };
  const whole = (field: string, fallback: number): number => {
    const text = values[field] ?? '';
    if (!text) return fallback;
    if (!/^\d{1,4}$/.test(text)) errors[field] = 'number_invalid';
    return Number(text);
  };
  if (!values.reference) errors.reference = 'required';
  if (!values.name) errors.name = 'required';
  if (!values.recurring_amount) errors.recurring_amount = 'required';
  const trialDays = whole('trial_days', 0);
  const raw = {
    reference: values.reference,
    name: values.name,
    description: values.description || null,
    currency,
    amount_upfront: amount('amount_upfront', 0),
    recurring: { amount: amount('recurring_amount', undefined), interval: values.interval, interval_count: whole('interval_count', 1) },
    trial: trialDays > 0 || values.trial_amount ? { days: trialDays, amount: amount('trial_amount', 0) } : null,
    features: lines(values.features),
    translations: translationsOf(values),
    visible: values.visible === '1',
    tax_behavior: values.tax_behavior || 'inclusive',
  };
  const result = v.safeParse(mode === 'create' ? offerCreateSchema : offerUpdateSchema, raw, { abortEarly: false });
  if (!result.success) {
    for (const issue of result.issues) {
      const param = (issue.path ?? []).map((p) => String(p.key)).filter((k) => !/^\d+$/.test(k)).join('.');
      const field = fieldOfParam[param] ?? param;
      if (field && !errors[field]) errors[field] = messageFor(field, issue);
    }
  }
  const ok = result.success && Object.keys(errors).length === 0;
  return { values, errors, input: ok ? (result.output as OfferCreate & OfferUpdate) : undefined };
}
