import * as v from 'valibot';
import type { Api } from '../http/api.ts';
import { renderInvoicePdf } from './pdf.ts';
import { loadInvoiceDocument, pdfHeaders } from './service.ts';

export function documentRoutes(api: Api): void {
  api.file(
    {
      method: 'get',
      path: '/v1/invoices/:id/pdf',
      tag: 'Invoices',
      summary: "The invoice as a PDF in the customer's language (document=credit_note: the credit note that voided it)",
      query: v.strictObject({ document: v.optional(v.picklist(['invoice', 'credit_note'], 'document must be invoice or credit_note.')) }),
      response: v.string(),
      produces: 'application/pdf',
    },
    async (c, { query }) => {
      const doc = await loadInvoiceDocument(c.var.deps.db, c.var.merchant, c.req.param('id') ?? '', query.document ?? 'invoice');
      return new Response((await renderInvoicePdf(doc)).slice(), { headers: pdfHeaders(doc) });
    },
  );
}
