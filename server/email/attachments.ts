import type { Deps } from '../deps.ts';
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
 * THE ATTACHMENT HOOK: the files an email carries, built at each attempt (never stored twice).
 * Receipts are to carry their invoice's PDF (`GET /v1/invoices/{id}/pdf`); the invoice document is
 * not built yet, so for now no email has attachments. When it lands: for `kind === 'receipt'`,
 * render the PDF of `data.invoice` and return `[{ filename: "<number>.pdf", contentType:
 * "application/pdf", content }]`. The back-office lists what this returns.
 */
export async function attachmentsFor(_deps: Deps, _email: AttachmentSource): Promise<EmailAttachment[]> {
  return [];
}
