/**
 * The back-office's strings in English and French. Field labels the CONTRACT requires to match
 * the hosted pages ("Email", "Prénom", "Code postal"…) are not repeated here: they come from
 * hosted-pages/i18n.ts under the same keys, so the two can never drift apart.
 */
import { type Locale, type MessageKey, pickLocale, translator } from '../i18n.ts';
import { en } from './i18n-en.ts';
import { fr } from './i18n-fr.ts';

export type AdminLocale = Locale;
export { pickLocale };

/** Keys shared with the hosted pages (labels the CONTRACT fixes, and a few common messages). */
const sharedKeys = [
  'email', 'first_name', 'last_name', 'company', 'line1', 'postal_code', 'city', 'country', 'choose_country',
  'optional', 'billing_address', 'payment_method', 'pay_card', 'pay_sepa', 'required', 'email_invalid', 'too_long',
  'country_invalid', 'fix_errors', 'back', 'subscribe', 'trial', 'language', 'setup_fee',
  'per_day', 'per_week', 'per_month', 'per_year', 'every_n', 'unit_day', 'unit_week', 'unit_month', 'unit_year',
] as const satisfies readonly MessageKey[];

export type SharedKey = (typeof sharedKeys)[number];
export type OwnKey = keyof typeof en;
export type AdminKey = SharedKey | OwnKey;

const own: Record<Locale, Record<OwnKey, string>> = { en, fr };
const shared = new Set<string>(sharedKeys);

export type AdminT = (key: AdminKey, vars?: Record<string, string | number>) => string;

export function adminTranslator(locale: Locale): AdminT {
  const hosted = translator(locale);
  const dict = own[locale];
  return (key, vars) => {
    if (shared.has(key)) return hosted(key as SharedKey, vars);
    let text: string = dict[key as OwnKey] ?? key;
    if (vars) for (const [k, v] of Object.entries(vars)) text = text.replaceAll(`{${k}}`, String(v));
    return text;
  };
}

export const isAdminKey = (key: string): key is AdminKey => shared.has(key) || key in en;
