import type { Database } from '../db/port.ts';

/** The credit note that cancels an invoice (written by the void batch, see invoices/numbering.ts). */
export const creditNoteFor = (db: Database, merchantId: string, invoiceId: string) =>
  db.get<{ number: string; created_at: string }>('SELECT number, created_at FROM credit_notes WHERE merchant_id = ? AND invoice_id = ?', [merchantId, invoiceId]);
