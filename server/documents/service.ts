import { accountRepository } from '../accounts/repository.ts';
import { customerRepository } from '../customers/repository.ts';
import type { Database } from '../db/port.ts';
import { notFound } from '../http/errors.ts';
import { invoiceRepository } from '../invoices/repository.ts';
import type { Merchant } from '../merchants/repository.ts';
import { buyerFor, creditNoteDocument, type InvoiceDocument, invoiceDocument, mentionOf, sellerFor } from './model.ts';
import { creditNoteFor } from './repository.ts';

export type DocumentKind = 'invoice' | 'credit_note';

/**
 * The document of a finalized invoice (or of the credit note that voided it), in the customer's
 * language. Drafts have no number yet, so no document: 404 like an unknown id.
 */
export async function loadInvoiceDocument(db: Database, merchant: Merchant, invoiceId: string, kind: DocumentKind): Promise<InvoiceDocument> {
  const inv = await invoiceRepository(db).byId(merchant.id, invoiceId);
  if (!inv || inv.status === 'draft' || inv.number === null) throw notFound('invoice');
  const customer = await customerRepository(db).byId(merchant.id, inv.customerId);
  if (!customer) throw notFound('invoice');
  const seller = sellerFor(merchant, await accountRepository(db).byId(merchant.accountId));
  const buyer = buyerFor(customer);
  const doc = invoiceDocument(inv, seller, buyer, customer.language, mentionOf(seller, buyer, inv));
  if (kind === 'invoice') return doc;
  const cn = await creditNoteFor(db, merchant.id, inv.id);
  if (!cn) throw notFound('credit_note');
  return creditNoteDocument(doc, { number: cn.number, createdAt: cn.created_at });
}

/** Response headers for a PDF download named after the document's number. */
export const pdfHeaders = (doc: InvoiceDocument): Record<string, string> => ({
  'content-type': 'application/pdf',
  'content-disposition': `inline; filename="${doc.number.replace(/[^A-Za-z0-9-]/g, '_')}.pdf"`,
  'cache-control': 'private, no-store',
});
