import { html, raw } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';
import type { AdminLocale } from './i18n.ts';
import { adminCss } from './styles.ts';

export interface AdminDocumentOptions {
  locale: AdminLocale;
  title: string;
  nonce: string;
  /** Server-rendered markup (escaped by preact-render-to-string). */
  body: string;
  /** Whether the page loads /assets/admin.js (copy buttons: the only script the back-office needs). */
  script: boolean;
}

/** The back-office's HTML shell: its own stylesheet, nonce'd, and at most one same-origin module. */
export function renderAdminDocument(o: AdminDocumentOptions): HtmlEscapedString | Promise<HtmlEscapedString> {
  return html`<!doctype html>
<html lang="${o.locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="robots" content="noindex">
<meta name="referrer" content="same-origin">
<title>${o.title}</title>
<style nonce="${o.nonce}">${raw(adminCss)}</style>
</head>
<body>
${raw(o.body)}
${o.script ? html`<script type="module" src="/assets/admin.js" nonce="${o.nonce}"></script>` : ''}
</body>
</html>`;
}
