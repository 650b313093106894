import { formatMoney } from '../../hosted-pages/format.ts';
import type { OfferJson } from '../../server/offers/schema.ts';

/**
 * The grid's cards and words: the one source for the widget (widget/grid/index.tsx, in a shadow
 * root) and the back-office's preview (hosted-pages/admin/GridPreview.tsx, rendered on the server).
 */
export type Offer = Pick<OfferJson, 'reference' | 'name' | 'description' | 'currency' | 'amount_upfront' | 'recurring' | 'trial' | 'features'> & { tax_label?: string | null };

// The grid's few strings, in the two languages Porte speaks.
export const words = {
  en: { subscribe: 'Subscribe', popular: 'Most popular', trial: '{n}-day free trial', setup: '+ {a} setup fee', day: 'day', week: 'week', month: 'month', year: 'year', every: 'every {n} {u}', per: 'per', error: 'Prices are not available right now. Please try again later.', loading: 'Loading prices…' },
  fr: { subscribe: "S'abonner", popular: 'Le plus choisi', trial: 'Essai gratuit de {n} jours', setup: '+ {a} de frais de mise en service', day: 'jour', week: 'semaine', month: 'mois', year: 'an', every: 'tous les {n} {u}', per: 'par', error: "Les tarifs ne sont pas disponibles pour le moment. Veuillez réessayer plus tard.", loading: 'Chargement des tarifs…' },
};
export type GridLocale = keyof typeof words;
export type Words = (typeof words)['en'];
export const fill = (text: string, vars: Record<string, string | number>) => text.replace(/\{(\w)\}/g, (_, k: string) => String(vars[k]));

export function period(o: Offer, t: Words): string {
  const unit = t[o.recurring.interval];
  // Plural unit: days, semaines, ans — and "mois", which is its own plural.
  return o.recurring.interval_count === 1 ? `/ ${unit}` : fill(t.every, { n: o.recurring.interval_count, u: unit.endsWith('s') ? unit : `${unit}s` });
}

/** One offer of the grid; its button opens the checkout through `choose`. */
export function Card({ offer, highlighted, locale, t, choose }: { offer: Offer; highlighted: boolean; locale: GridLocale; t: Words; choose: (o: string) => void }) {
  const price = formatMoney(offer.recurring.amount, offer.currency, locale);
  const id = `porte-offer-${offer.reference}`;
  return (
    <li class={highlighted ? 'card hl' : 'card'} aria-labelledby={id}>
      {highlighted && <p class="badge">{t.popular}</p>}
      <h3 id={id}>{offer.name}</h3>
      {offer.description && <p class="desc">{offer.description}</p>}
      <p class="price">
        <strong>{price}</strong> <span>{period(offer, t)}</span>
        {offer.tax_label && <small>{offer.tax_label}</small>}
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
      {/* data-offer: the loader's one click listener on server-rendered markup reads it from the click's target, so the button holds text only. */}
      <button type="button" data-offer={offer.reference} onClick={() => choose(offer.reference)} aria-describedby={id}>
        {t.subscribe}
      </button>
    </li>
  );
}

/** An offer as the widget's pricing table sends it, with its French words beside the default ones. */
export type TableOffer = Offer & { translations?: { fr?: Partial<Pick<Offer, 'name' | 'description' | 'features'>> } };

/**
 * The whole grid in one locale: rendered to a string by the server (server/widget/grid.tsx) so the
 * loader can paint it at once, and by the grid's own code when that markup cannot be used.
 */
export function Cards({ offers, highlighted, locale, choose }: { offers: TableOffer[]; highlighted?: string; locale: GridLocale; choose: (o: string) => void }) {
  return (
    <ul class="grid" lang={locale}>
      {offers.map((o) => (
        <Card key={o.reference} offer={locale === 'fr' ? { ...o, ...o.translations?.fr } : o} highlighted={o.reference === highlighted} locale={locale} t={words[locale]} choose={choose} />
      ))}
    </ul>
  );
}
