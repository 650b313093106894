import { html, raw } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';
import { type Brand, brandBar, brandHead } from './brand.tsx';
import type { Locale } from './i18n.ts';
import { pageCss } from './styles.ts';

export interface DocumentOptions {
  locale: Locale;
  title: string;
  nonce: string;
  /** Server-rendered markup (already escaped by preact-render-to-string). */
  body: string;
  /** The page's module, and for hydration the props it hydrates with. */
  script?: { src: string; props?: unknown };
  /** Extra external scripts allowed by the CSP (Stripe.js). */
  externalScripts?: string[];
  /** The stylesheet (default: the hosted pages'; the back-office has its own). */
  css?: string;
  /** Pages that are not hydrated as a whole (the back-office) are not wrapped in #app. */
  bare?: boolean;
  referrer?: 'same-origin' | 'no-referrer';
  /** The business's colour and logo (checkout, portal, widget frame, messages). */
  brand?: Brand;
}

/** JSON inside <script type="application/json">: `<` escaped so no `</script>` can break out. */
const safeJson = (value: unknown): string =>
  JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');

export function renderDocument(o: DocumentOptions): HtmlEscapedString | Promise<HtmlEscapedString> {
  return html`<!doctype html>
<html lang="${o.locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="robots" content="noindex">
${o.referrer ? html`<meta name="referrer" content="${o.referrer}">` : ''}
<title>${o.title}</title>
<style nonce="${o.nonce}">${raw(o.css ?? pageCss)}</style>
${brandHead(o.brand, o.nonce)}
${(o.externalScripts ?? []).map((src) => html`<script src="${src}" nonce="${o.nonce}" data-stripe async></script>`)}
</head>
<body>
${brandBar(o.brand)}
${o.bare ? raw(o.body) : html`<div id="app">${raw(o.body)}</div>`}
${o.script?.props !== undefined ? html`<script type="application/json" id="porte-props" nonce="${o.nonce}">${raw(safeJson(o.script.props))}</script>` : ''}
${o.script ? html`<script type="module" src="${o.script.src}" nonce="${o.nonce}"></script>` : ''}
</body>
</html>`;
}
