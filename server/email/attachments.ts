import type { Deps } from '../deps.ts';
import { renderInvoicePdf } from '../documents/pdf.ts';
import { loadInvoiceDocument } from '../documents/service.ts';
import { ApiError } from '../http/errors.ts';
import { merchantRepository } from '../merchants/repository.ts';
import type { EmailAttachment } from './port.ts';

/** What the attachment hook is given: one email row of the outbox. */
export interface AttachmentSource {
  id: string;
  merchantId: string;
  kind: string;
  /** The row's `data` JSON, e.g. `{ "invoice": "in_…" }` for receipts and payment emails. */
  data: Record<string, string>;
}

/**
 * THE ATTACHMENT HOOK: the files an email carries, built at each attempt and never stored. A
 * receipt, and an invoice sent to be paid by hand, carry the invoice's PDF, the very document `GET /v1/invoices/{id}/pdf` serves.
 *
 * Rendered at send time rather than stored at finalization: a finalized invoice never changes and
 * the renderer is deterministic (fixed document dates, no clock), so every attempt attaches the
 * same bytes; storing would put a ~4 KB blob per invoice in D1 for a file that can be rebuilt in
 * a few milliseconds. The back-office lists what this returns, so it shows what is sent.
 */
export async function attachmentsFor(deps: Pick<Deps, 'db'>, email: AttachmentSource): Promise<EmailAttachment[]> {
  const invoiceId = email.data.invoice;
  if ((email.kind !== 'receipt' && email.kind !== 'invoice') || !invoiceId) return [];
  const merchant = await merchantRepository(deps.db).byId(email.merchantId);
  if (!merchant) return [];
  try {
    const doc = await loadInvoiceDocument(deps.db, merchant, invoiceId, 'invoice');
    return [{ filename: `${doc.number.replace(/[^A-Za-z0-9-]/g, '_')}.pdf`, contentType: 'application/pdf', content: await renderInvoicePdf(doc) }];
  } catch (error) {
    // No such finalized invoice (a receipt for an invoice that is gone): the receipt still goes,
    // without a file. Anything else (a render failure) fails the attempt, which is retried.
    if (error instanceof ApiError && error.status === 404) return [];
    throw error;
  }
}
