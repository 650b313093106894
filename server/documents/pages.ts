import type { Hono } from 'hono';
import { contentSecurityPolicy, newNonce } from '../http/csp.ts';
import type { AppEnv } from '../http/env.ts';
import { load } from '../invoices/pages.tsx';
import { renderInvoiceHtml } from './html.ts';
import { renderInvoicePdf } from './pdf.ts';
import { loadInvoiceDocument, pdfHeaders } from './service.ts';

/**
 * The hosted invoice page's PDF and printable view, behind the same signed, revocable token.
 * `?document=credit_note` gives the credit note of a voided invoice.
 */
export function documentPages(app: Hono<AppEnv>): void {
  const docFor = async (c: Parameters<typeof load>[0]) => {
    const l = await load(c);
    if (!l) return undefined;
    const kind = c.req.query('document') === 'credit_note' ? 'credit_note' : 'invoice';
    return loadInvoiceDocument(c.var.deps.db, l.merchant, l.invoice.id, kind).catch(() => undefined);
  };
  app.get('/invoice/:token/pdf', async (c) => {
    const doc = await docFor(c);
    if (!doc) return c.text('Not found', 404);
    c.header('Referrer-Policy', 'no-referrer');
    return new Response((await renderInvoicePdf(doc)).slice(), { headers: { ...pdfHeaders(doc), 'referrer-policy': 'no-referrer' } });
  });
  app.get('/invoice/:token/print', async (c) => {
    const doc = await docFor(c);
    if (!doc) return c.text('Not found', 404);
    const nonce = newNonce();
    c.header('Content-Security-Policy', contentSecurityPolicy(nonce));
    c.header('Referrer-Policy', 'no-referrer');
    c.header('Cache-Control', 'private, no-store');
    return c.html(renderInvoiceHtml(doc, nonce));
  });
}
