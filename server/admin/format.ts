import type { AdminLocale, AdminT } from '../../hosted-pages/admin/i18n.ts';
import { formatMoney } from '../../hosted-pages/format.ts';
import type { PaymentMethod } from '../customers/schema.ts';
import type { Interval } from '../offers/schema.ts';
import type { Subscription } from '../subscriptions/repository.ts';

// Times are shown in UTC and say so: the server cannot know each merchant's own time zone.
export const formatDate = (locale: AdminLocale, iso: string): string =>
  new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' }).format(new Date(iso));

export const formatDateTime = (locale: AdminLocale, iso: string): string =>
  `${new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' }).format(new Date(iso))} UTC`;

/** "Card", "Visa •••• 4242 (12/28)", "SEPA Direct Debit •••• 3000 (DE)", "Bank transfer"… */
export function paymentLabel(t: AdminT, pm: PaymentMethod, detailed = false): string {
  const base = t(`pm_${pm.type}`);
  if (!detailed) return base;
  if (pm.type === 'card' && pm.card) {
    const brand = pm.card.brand.charAt(0).toUpperCase() + pm.card.brand.slice(1);
    return `${base} — ${brand} •••• ${pm.card.last4} (${String(pm.card.exp_month).padStart(2, '0')}/${String(pm.card.exp_year).slice(-2)})`;
  }
  if (pm.type === 'sepa_debit' && pm.sepa_debit) return `${base} — •••• ${pm.sepa_debit.last4} (${pm.sepa_debit.country})`;
  return base;
}

/** "€29.00 / month", "€290.00 every 2 years": the words of the checkout summary. */
export function priceText(t: AdminT, locale: AdminLocale, amount: number, currency: string, interval: Interval, count: number): string {
  const money = formatMoney(amount, currency, locale);
  return count === 1 ? `${money} ${t(`per_${interval}`)}` : `${money} ${t('every_n', { n: count, unit: t(`unit_${interval}`) })}`;
}

/** A subscription's status in words, with the badge tone the list shows it in. */
export function subscriptionStatus(t: AdminT, status: Subscription['status'] | undefined): { label: string; tone: 'okb' | 'warn' | '' } | undefined {
  if (!status) return undefined;
  return { label: t(`sub_${status}`), tone: status === 'active' || status === 'trialing' ? 'okb' : status === 'canceled' ? '' : 'warn' };
}
