// Independent expectations for what the customer is told at the end of a checkout: computed here
// from the offer as the API returns it (its amounts and period), not from Porte's own helpers.

export interface ApiOffer {
  name: string;
  currency: string;
  amount_upfront: number;
  recurring: { amount: number; interval: 'day' | 'week' | 'month' | 'year'; interval_count: number };
  trial: { days: number; amount: number } | null;
}

/** `start` plus n months, keeping the day of the month where it exists (31 Jan + 1 month = 28/29 Feb). */
function addMonths(start: Date, n: number): Date {
  const month = start.getUTCMonth() + n;
  const lastDay = new Date(Date.UTC(start.getUTCFullYear(), month + 1, 0)).getUTCDate();
  return new Date(Date.UTC(start.getUTCFullYear(), month, Math.min(start.getUTCDate(), lastDay)));
}

/** When a subscription started at `start` on this offer is charged next: the trial's end, or the first period's. */
export function nextChargeDate(offer: ApiOffer, start: Date): Date {
  const trialDays = offer.trial?.days ?? 0;
  if (trialDays > 0) return new Date(start.getTime() + trialDays * 86_400_000);
  const { interval, interval_count: n } = offer.recurring;
  if (interval === 'day') return new Date(start.getTime() + n * 86_400_000);
  if (interval === 'week') return new Date(start.getTime() + 7 * n * 86_400_000);
  return addMonths(start, interval === 'year' ? 12 * n : n);
}

/** Setup fee, plus the trial's price when there is a trial, else the first period. */
export const chargedToday = (offer: ApiOffer): number =>
  offer.amount_upfront + ((offer.trial?.days ?? 0) > 0 ? (offer.trial?.amount ?? 0) : offer.recurring.amount);

/** Amounts in minor units of a two-decimal currency, as a reader of `locale` expects them (spaces normalised). */
export const money = (minor: number, currency: string, locale: string): string =>
  new Intl.NumberFormat(locale, { style: 'currency', currency }).format(minor / 100).replace(/[\u00a0\u202f]/g, ' ');

export const longDate = (date: Date, locale: string): string => new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }).format(date);
