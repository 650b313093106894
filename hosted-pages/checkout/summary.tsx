import { formatMoney } from '../format.ts';
import type { Translate } from '../i18n.ts';
import type { CheckoutView, DueToday } from './view.ts';

/** "29,00 € / mois", "290,00 € tous les 2 ans": the recurring price in the customer's language. */
export function recurringLabel(offer: CheckoutView['offer'], locale: string, t: Translate): string {
  const price = formatMoney(offer.recurring.amount, offer.currency, locale);
  const { interval, interval_count: n } = offer.recurring;
  if (n === 1) return `${price} ${t(`per_${interval}`)}`;
  return `${price} ${t('every_n', { n, unit: t(`unit_${interval}`) })}`;
}

/** What the customer pays at checkout: the setup fee, plus the trial's price or the first period. */
export const dueToday = (offer: CheckoutView['offer']): number =>
  offer.amount_upfront + (offer.trial.days > 0 ? offer.trial.amount : offer.recurring.amount);

const lineLabel = { setup: 'setup_fee', period: 'first_period', trial: 'trial_period' } as const;

/**
 * The order summary. Its lines add up: with an inclusive offer they are the prices VAT included
 * and the VAT row says what they hold ("incl. VAT"); with an exclusive one the VAT row is added.
 * A VAT row of 0 says nothing unless it is a mention (reverse charge, outside the EU, franchise). On a phone it would push the form below the fold, so it is a <details> whose
 * one-line <summary> (the offer, what is due today) sits above the first field and opens on demand;
 * on a wide screen CSS shows its content and hides the line (styles.ts). No JavaScript either way.
 */
export function OfferSummary({ offer, due, locale, t }: { offer: CheckoutView['offer']; due: DueToday; locale: string; t: Translate }) {
  const money = (amount: number) => formatMoney(amount, offer.currency, locale);
  const trialing = offer.trial.days > 0;
  const vat = due.vat;
  return (
    <details class="summary">
      <summary class="summary-line">
        <span class="line-name">{offer.name}</span>
        <span>
          {t('due_today')} <strong>{money(due.total)}</strong>
        </span>
      </summary>
      <h2 id="summary-title">{t('summary')}</h2>
      <p class="offer-name">{offer.name}</p>
      {offer.description && <p class="muted">{offer.description}</p>}
      <p class="price">{recurringLabel(offer, locale, t)}</p>
      {vat && vat.mention !== 'franchise' && <p class="muted small vat-note">{t(vat.inclusive ? 'prices_incl_vat' : 'prices_excl_vat')}</p>}
      {trialing && (
        <p class="badge">
          {offer.trial.amount > 0
            ? t('trial_paid', { days: offer.trial.days, amount: money(offer.trial.amount) })
            : t('trial', { days: offer.trial.days })}
        </p>
      )}
      {offer.features.length > 0 && (
        <ul class="features">
          {offer.features.map((f) => (
            <li key={f}>{f}</li>
          ))}
        </ul>
      )}
      <dl class="totals">
        {due.lines.map((l) => (
          <div key={l.kind} class="line">
            <dt>{t(lineLabel[l.kind])}</dt>
            <dd>{money(l.amount)}</dd>
          </div>
        ))}
        {vat && (vat.amount > 0 || vat.mention !== null) && (
          <div class="vat">
            <dt>{vat.mention === 'franchise' ? t('vat_franchise') : vat.mention === 'reverse_charge' ? t('vat_reverse_charge') : vat.mention === 'outside_eu' ? t('vat_outside_eu') : t(vat.inclusive ? 'vat_included_line' : 'vat_line', { rate: (vat.rate ?? 0).toLocaleString(locale) })}</dt>
            {vat.mention !== 'franchise' && <dd>{money(vat.amount)}</dd>}
          </div>
        )}
        <div class="total">
          <dt>{t('due_today')}</dt>
          <dd>{money(due.total)}</dd>
        </div>
        {trialing && (
          <div>
            <dt>{t('then_label')}</dt>
            <dd>{recurringLabel(offer, locale, t)}</dd>
          </div>
        )}
      </dl>
      {vat && vat.mention !== 'franchise' && <p class="muted small">{t('vat_country_note')}</p>}
    </details>
  );
}

