import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { RenderGrid } from '../types.ts';
// styles.ts first: the bundle then keeps the stylesheet ahead of the words, as before card.tsx (gzip likes it).
import { gridCss } from './styles.ts';
import { Cards, type TableOffer, words } from './card.tsx';

interface GridArgs {
  host: Element;
  data: Promise<unknown>;
  locale?: string;
  choose: (el: Element, offer: string) => void;
  emit: (name: string, detail?: unknown) => boolean;
}

interface Table {
  offers: TableOffer[];
  highlighted?: string;
}

/**
 * The grid rendered in the browser: used only when the server's markup could not be painted (a
 * refusal or no answer, to say so; a page whose Trusted Types forbid innerHTML, to draw the grid).
 */
function Grid({ a }: { a: GridArgs }) {
  const locale = (a.locale ?? (navigator.language.startsWith('fr') ? 'fr' : 'en')) === 'fr' ? 'fr' : 'en';
  const [table, setTable] = useState<Table | null | 'error'>(null);
  useEffect(() => {
    (a.data as Promise<Table>).then(setTable).catch((error?: { code?: string }) => {
      setTable('error');
      // The server's refusal says what the merchant should fix (the loader logs it once).
      a.emit('error', error?.code ? error : { code: 'network_error', message: `${new URL(import.meta.url).origin} did not answer.` });
    });
  }, [a]);
  useEffect(() => {
    if (table && table !== 'error') a.emit('ready', { pricing_table: a.host.getAttribute('data-porte-pricing-table') || 'default' });
  }, [table, a]);
  if (table === 'error') return <p class="error" role="alert">{words[locale].error}</p>;
  if (!table) return <p class="loading" aria-busy="true">{words[locale].loading}</p>;
  return <Cards offers={table.offers} highlighted={table.highlighted} locale={locale} choose={(offer) => a.choose(a.host, offer)} />;
}

/** Renders a pricing table into the element's own shadow root (the host page's CSS stays out). */
export const renderGrid: RenderGrid = (host, data, locale, choose, emit) => {
  const root = host.shadowRoot ?? host.attachShadow({ mode: 'open' });
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(gridCss);
  root.adoptedStyleSheets = [sheet];
  render(<Grid a={{ host, data, locale, choose, emit }} />, root);
};
