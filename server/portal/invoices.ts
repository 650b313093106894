import type { Hono } from 'hono';
import { formatMoney } from '../../hosted-pages/format.ts';
import type { PortalInvoiceView } from '../../hosted-pages/portal/view.ts';
import { renderInvoicePdf } from '../documents/pdf.ts';
import { loadInvoiceDocument, pdfHeaders } from '../documents/service.ts';
import type { AppEnv } from '../http/env.ts';
import { hostedInvoiceUrl } from '../invoices/links.ts';
import { invoiceRepository } from '../invoices/repository.ts';
import { type C, openPortal, type Portal, portalHref, portalMessage } from './context.tsx';
import { formatDate } from './view.ts';

/** How many of the customer's invoices the portal lists, newest first. */
const SHOWN = 50;

/**
 * The customer's invoices as the portal lists them. Drafts have no number and no document yet, so
 * they are not shown. An open invoice's "Pay" goes to its hosted invoice page (same signed,
 * revocable link generation as the portal), which charges the saved method and completes 3-D
 * Secure when the bank asks: one payment flow, not two.
 */
export async function portalInvoices(c: C, p: Portal): Promise<PortalInvoiceView[]> {
  const { db, config } = c.var.deps;
  const invoices = await invoiceRepository(db).list(p.merchant.id, { limit: SHOWN, customerId: p.customer.id });
  const views: PortalInvoiceView[] = [];
  for (const inv of invoices) {
    if (inv.status === 'draft' || inv.number === null) continue;
    const payable = inv.status === 'open' && inv.collectionMethod === 'charge_automatically';
    const hosted = payable ? `${await hostedInvoiceUrl(db, config.publicUrl, inv.id, p.customer.linkVersion)}?locale=${p.locale}` : null;
    views.push({
      id: inv.id,
      number: inv.number,
      date: formatDate(inv.finalizedAt ?? inv.createdAt, p.locale),
      dateIso: inv.finalizedAt ?? inv.createdAt,
      total: formatMoney(inv.total, inv.currency, p.locale),
      status: inv.status,
      pdfHref: portalHref(p, `/invoices/${inv.id}/pdf`),
      payHref: hosted,
    });
  }
  return views;
}

/**
 * `GET /portal/{token}/invoices/{id}/pdf`: the PDF of one of this customer's finalized invoices.
 * The portal's signed link is the only credential (never the secret key); an invoice of another
 * customer, or of another merchant, is "not found" exactly like an unknown id.
 */
export function portalInvoicePages(app: Hono<AppEnv>): void {
  app.get('/portal/:token/invoices/:id/pdf', async (c) => {
    const p = await openPortal(c);
    if (p instanceof Response) return p;
    const missing = () => portalMessage(c, p.locale, 'invoice_missing_title', 'invoice_missing_body', 404, portalHref(p));
    const inv = await invoiceRepository(c.var.deps.db).byId(p.merchant.id, c.req.param('id'));
    if (!inv || inv.customerId !== p.customer.id || inv.status === 'draft') return missing();
    const doc = await loadInvoiceDocument(c.var.deps.db, p.merchant, inv.id, 'invoice').catch(() => undefined);
    if (!doc) return missing();
    return new Response((await renderInvoicePdf(doc)).slice(), { headers: { ...pdfHeaders(doc), 'referrer-policy': 'no-referrer' } });
  });
}
