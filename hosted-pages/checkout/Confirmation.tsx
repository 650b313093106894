import { formatMoney } from '../format.ts';
import type { Translate } from '../i18n.ts';
import { dueToday } from './summary.tsx';
import type { CheckoutView } from './view.ts';

export interface ConfirmationView {
  offer: CheckoutView['offer'];
  merchantName: string;
  /** When the subscription charges next (end of the trial or of the first period), ISO 8601; null if it does not renew. */
  nextChargeAt: string | null;
  /** The next invoice's total, VAT included (as `GET /v1/invoices/upcoming` computes it); null when there is none. */
  nextChargeAmount: number | null;
  /** Where "Continue" goes: the merchant's success URL; absent on Porte's own confirmation page. */
  continueUrl?: string;
  /** What the first invoice charged (VAT included); absent when there was none. */
  chargedToday?: number;
}

/** "15 January 2027" in the customer's language; dates are UTC like every time in Porte. */
export const formatDate = (iso: string, locale: string): string => new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: 'UTC' }).format(new Date(iso));

/**
 * The end of a checkout: what was bought, what today cost, when the next charge comes and for
 * how much. Porte's own page when no success URL applies, and the widget's success step.
 */
export function Confirmation({ view, locale, t }: { view: ConfirmationView; locale: string; t: Translate }) {
  const { offer } = view;
  const money = (amount: number) => formatMoney(amount, offer.currency, locale);
  return (
    <main>
      <section class="message confirmation" aria-labelledby="message-title">
        <h1 id="message-title">{t('complete_title')}</h1>
        <p>{t('confirmation_intro', { offer: offer.name, merchant: view.merchantName })}</p>
        <dl class="totals">
          <div>
            <dt>{t('plan')}</dt>
            <dd>{offer.name}</dd>
          </div>
          <div class="total">
            <dt>{t('charged_today')}</dt>
            <dd>{money(view.chargedToday ?? dueToday(offer))}</dd>
          </div>
          {view.nextChargeAt && view.nextChargeAmount !== null && (
            <div>
              <dt>{t('next_charge')}</dt>
              <dd>{t('next_charge_value', { amount: money(view.nextChargeAmount), date: formatDate(view.nextChargeAt, locale) })}</dd>
            </div>
          )}
        </dl>
        <p class="muted">{t('receipt_note')}</p>
        {view.continueUrl && (
          <a class="button" href={view.continueUrl} target="_top" data-porte-close="">
            {t('continue')}
          </a>
        )}
      </section>
    </main>
  );
}
