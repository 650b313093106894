import { renderToString } from 'preact-render-to-string';
import { Cards, type GridLocale } from '../../widget/grid/card.tsx';
import { gridCss } from '../../widget/grid/styles.ts';
import { localizeOffer } from '../offers/schema.ts';
import type { PublicPricingTable } from '../pricing-tables/schema.ts';

const inert = () => {};

/**
 * The grid as the widget's loader paints it into the element's shadow root, sent with the data so
 * the visitor sees the offers one request after widget.js, without waiting for the grid's code.
 * The cards are the widget's own component (widget/grid/card.tsx), rendered by Preact, which
 * escapes every merchant-written word; the stylesheet is a constant, adopted (not inlined), so a
 * host page's CSP without 'unsafe-inline' still applies it.
 */
export function gridMarkup(table: PublicPricingTable, locale: GridLocale): { html: string; css: string } {
  // Words localised as checkout and the portal do (translated where they are, defaults elsewhere).
  // The VAT words too: "TTC"/"HT" in French, from the same translations the grid's code merges.
  const offers = table.offers.map((o) => ({
    ...localizeOffer(o, locale),
    tax_label: (locale === 'fr' ? o.translations.fr?.tax_label : undefined) ?? o.tax_label,
    translations: {},
  }));
  return { html: renderToString(<Cards offers={offers} highlighted={table.highlighted} locale={locale} choose={inert} />), css: gridCss };
}
