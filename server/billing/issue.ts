import type { Statement } from '../db/port.ts';
import type { Deps } from '../deps.ts';
import { hostedInvoiceUrl } from '../invoices/links.ts';
import { finalizeStatements } from '../invoices/numbering.ts';
import { type Invoice, invoiceRepository } from '../invoices/repository.ts';
import { toJson } from '../invoices/schema.ts';
import type { Merchant } from '../merchants/repository.ts';
import { billingEvent, invoiceExists } from './events.ts';

/** What every billing step needs: the environment, its clock, and "now" read once for the step. */
export interface BillingContext {
  deps: Deps;
  merchant: Merchant;
  clock: () => Date;
}

const DAY_MS = 86_400_000;

/**
 * The statements that create an invoice and finalize it, for the caller's batch: draft and lines,
 * `invoice.created`, the number (gapless counter), `invoice.finalized`, and for a zero total
 * `invoice.paid`. `guard` must hold for the invoice to be created; every later statement is guarded
 * on the invoice existing, so when the guard fails the whole batch writes nothing.
 */
export async function issueStatements(
  ctx: BillingContext,
  draft: Invoice,
  now: Date,
  opts: { daysUntilDue: number | null; linkVersion: number; guard?: Statement },
): Promise<{ statements: Statement[]; finalized: Invoice }> {
  const at = now.toISOString();
  const { db, config } = ctx.deps;
  const url = await hostedInvoiceUrl(db, config.publicUrl, draft.id, opts.linkVersion);
  const dueDate = draft.collectionMethod === 'send_invoice' ? new Date(now.getTime() + (opts.daysUntilDue ?? 30) * DAY_MS).toISOString() : null;
  const nextPaymentAttempt = draft.collectionMethod === 'charge_automatically' && draft.total > 0 ? at : null;
  const open: Invoice = { ...draft, status: 'open', finalizedAt: at, dueDate, nextPaymentAttempt };
  const finalized: Invoice = draft.total === 0 ? { ...open, status: 'paid', paymentStatus: 'succeeded', paidAt: at, nextPaymentAttempt: null } : open;
  const exists = invoiceExists(draft.id);
  const statements = [
    ...invoiceRepository(db).insertDraft(draft, opts.guard),
    billingEvent(ctx.merchant.id, 'invoice.created', toJson(draft, null, now), at, exists),
    ...finalizeStatements({ merchant: ctx.merchant, invoiceId: draft.id, at: now, dueDate, nextPaymentAttempt }),
    billingEvent(ctx.merchant.id, 'invoice.finalized', toJson(open, url, now), at, exists, draft.id),
  ];
  if (finalized.status === 'paid') statements.push(billingEvent(ctx.merchant.id, 'invoice.paid', toJson(finalized, url, now), at, exists, draft.id));
  return { statements, finalized };
}

export async function linkVersionOf(ctx: BillingContext, customerId: string): Promise<number> {
  return (await ctx.deps.db.get<{ link_version: number }>('SELECT link_version FROM customers WHERE id = ?', [customerId]))?.link_version ?? 1;
}
