import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { formatMoney } from '../../hosted-pages/format.ts';
import type { OfferJson } from '../../server/offers/schema.ts';
import type { GridArgs } from '../types.ts';
import { gridCss } from './styles.ts';

type Offer = Pick<OfferJson, 'reference' | 'name' | 'description' | 'currency' | 'amount_upfront' | 'recurring' | 'trial' | 'features'>;
interface Table {
  offers: Offer[];
  highlighted?: string;
}

// The grid's few strings, in the two languages Porte speaks.
const words = {
  en: { subscribe: 'Subscribe', popular: 'Most popular', trial: '{n}-day free trial', setup: '+ {a} setup fee', day: 'day', week: 'week', month: 'month', year: 'year', every: 'every {n} {u}s', per: 'per', error: 'Pricing could not be loaded on this site. If this is your site, check that its origin is allowed in Porte’s settings.', loading: 'Loading prices…' },
  fr: { subscribe: "S'abonner", popular: 'Le plus choisi', trial: 'Essai gratuit de {n} jours', setup: '+ {a} de frais de mise en service', day: 'jour', week: 'semaine', month: 'mois', year: 'an', every: 'tous les {n} {u}', per: 'par', error: "Les tarifs n'ont pas pu être chargés sur ce site. S'il s'agit de votre site, vérifiez que son origine est autorisée dans les réglages de Porte.", loading: 'Chargement des tarifs…' },
};
type Words = (typeof words)['en'];
const fill = (text: string, vars: Record<string, string | number>) => text.replace(/\{(\w)\}/g, (_, k: string) => String(vars[k]));

function period(o: Offer, t: Words): string {
  const unit = t[o.recurring.interval];
  return o.recurring.interval_count === 1 ? `/ ${unit}` : fill(t.every, { n: o.recurring.interval_count, u: unit });
}

function Card({ offer, highlighted, locale, t, choose }: { offer: Offer; highlighted: boolean; locale: string; t: Words; choose: (o: string) => void }) {
  const price = formatMoney(offer.recurring.amount, offer.currency, locale);
  const id = `porte-offer-${offer.reference}`;
  return (
    <li class={highlighted ? 'card hl' : 'card'} aria-labelledby={id}>
      {highlighted && <p class="badge">{t.popular}</p>}
      <h3 id={id}>{offer.name}</h3>
      {offer.description && <p class="desc">{offer.description}</p>}
      <p class="price">
        <strong>{price}</strong> <span>{period(offer, t)}</span>
      </p>
      {offer.trial.days > 0 && <p class="trial">{fill(t.trial, { n: offer.trial.days })}</p>}
      {offer.amount_upfront > 0 && <p class="setup">{fill(t.setup, { a: formatMoney(offer.amount_upfront, offer.currency, locale) })}</p>}
      {offer.features.length > 0 && (
        <ul class="features">
          {offer.features.map((f) => (
            <li key={f}>{f}</li>
          ))}
        </ul>
      )}
      <button type="button" onClick={() => choose(offer.reference)} aria-describedby={id}>
        {t.subscribe}
      </button>
    </li>
  );
}

function Grid({ a }: { a: GridArgs }) {
  const locale = a.locale === 'fr' ? 'fr' : 'en';
  const t = words[locale];
  const [table, setTable] = useState<Table | null | 'error'>(null);
  useEffect(() => {
    a.data
      .then((r) => (r.ok ? r.json() : Promise.reject(new Error(String(r.status)))))
      .then((body: Table) => setTable(body))
      .catch(() => {
        setTable('error');
        a.emit('error', { code: 'pricing_table_unavailable', message: t.error });
      });
  }, [a, t]);
  useEffect(() => {
    if (table && table !== 'error') a.emit('ready', { pricing_table: a.table });
  }, [table, a]);
  if (table === 'error') return <p class="error" role="alert">{t.error}</p>;
  if (!table) return <p class="loading" aria-busy="true">{t.loading}</p>;
  return (
    <ul class="grid" lang={locale}>
      {table.offers.map((o) => (
        <Card key={o.reference} offer={o} highlighted={o.reference === table.highlighted} locale={locale} t={t} choose={a.choose} />
      ))}
    </ul>
  );
}

/** Renders a pricing table into the element's own shadow root (the host page's CSS stays out). */
export function renderGrid(host: Element, a: GridArgs): void {
  const root = host.shadowRoot ?? host.attachShadow({ mode: 'open' });
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(gridCss);
  root.adoptedStyleSheets = [sheet];
  render(<Grid a={a} />, root);
}
