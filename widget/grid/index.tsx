import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { GridArgs } from '../types.ts';
// styles.ts first: the bundle then keeps the stylesheet ahead of the words, as before card.tsx (gzip likes it).
import { gridCss } from './styles.ts';
import { Card, type Offer, words } from './card.tsx';

interface Table {
  offers: Offer[];
  highlighted?: string;
}

function Grid({ a }: { a: GridArgs }) {
  const locale = a.locale === 'fr' ? 'fr' : 'en';
  const t = words[locale];
  const [table, setTable] = useState<Table | null | 'error'>(null);
  useEffect(() => {
    a.data
      .then(async (r) => {
        const body = await r.json().catch(() => ({}));
        // The server's refusal says what the merchant should fix (the loader logs it once).
        if (!r.ok) throw body.error;
        return body;
      })
      .then((body: Table) => setTable(body))
      .catch((error?: { code?: string }) => {
        setTable('error');
        a.emit('error', error?.code ? error : { code: 'network_error', message: `${a.base} did not answer.` });
      });
  }, [a]);
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
