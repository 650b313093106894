import { invoiceContent } from './content.ts';
import type { InvoiceDocument } from './model.ts';

/** The printable HTML view of the same content as the PDF. Every value is escaped. */
const esc = (s: string): string =>
  s.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch] ?? ch);

/** A self-contained page body fragment + its stylesheet; the caller serves it with its CSP nonce. */
export function renderInvoiceHtml(d: InvoiceDocument, nonce: string): string {
  const c = invoiceContent(d);
  const lines = (xs: string[]) => xs.map((x) => `<div>${esc(x)}</div>`).join('');
  return `<!doctype html><html lang="${d.locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${esc(c.title)}</title>
<style nonce="${esc(nonce)}">body{font:14px/1.4 system-ui,sans-serif;color:#111;max-width:800px;margin:2rem auto;padding:0 1rem}
table{width:100%;border-collapse:collapse}th,td{padding:.3rem;border-bottom:1px solid #ddd;text-align:left}
.n{text-align:right;white-space:nowrap}.parties{display:flex;gap:2rem;flex-wrap:wrap}.parties>section{flex:1;min-width:14rem}
dt,dd{display:inline;margin:0}.notes{font-size:12px;color:#333}@media print{body{margin:0}}</style></head><body>
<h1>${esc(c.title)}</h1>
<dl>${c.meta.map(([k, v]) => `<div><dt>${esc(k)}:</dt> <dd>${esc(v)}</dd></div>`).join('')}</dl>
<div class="parties"><section><h2>${esc(c.labels.seller)}</h2>${lines(c.seller)}</section><section><h2>${esc(c.labels.buyer)}</h2>${lines(c.buyer)}</section></div>
<table><thead><tr>${c.headers.map((h, i) => `<th${i >= 2 ? ' class="n"' : ''}>${esc(h)}</th>`).join('')}</tr></thead>
<tbody>${c.rows.map((r) => `<tr>${r.map((x, i) => `<td${i >= 2 ? ' class="n"' : ''}>${esc(x)}</td>`).join('')}</tr>`).join('')}</tbody>
<tfoot>${c.totals.map(([k, v]) => `<tr><th colspan="5" class="n">${esc(k)}</th><td class="n">${esc(v)}</td></tr>`).join('')}</tfoot></table>
<div class="notes">${c.notes.map((n) => `<p>${esc(n)}</p>`).join('')}</div>
</body></html>`;
}
