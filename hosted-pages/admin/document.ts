import type { HtmlEscapedString } from 'hono/utils/html';
import { renderDocument } from '../document.ts';
import type { AdminLocale } from './i18n.ts';
import { accountsCss } from './accounts-i18n.ts';
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

/** The back-office's HTML shell: the shared document with its own stylesheet and at most one module. */
export function renderAdminDocument(o: AdminDocumentOptions): HtmlEscapedString | Promise<HtmlEscapedString> {
  return renderDocument({
    locale: o.locale,
    title: o.title,
    nonce: o.nonce,
    body: o.body,
    css: adminCss + accountsCss,
    bare: true,
    referrer: 'same-origin',
    script: o.script ? { src: '/assets/admin.js' } : undefined,
  });
}
