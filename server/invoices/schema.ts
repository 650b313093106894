import * as v from 'valibot';
import type { Invoice } from './repository.ts';

/** CONTRACT.md's invoice, as the API, webhooks and OpenAPI show it. */
export const invoiceLineOut = v.object({
  description: v.string(),
  period_start: v.nullable(v.string()),
  period_end: v.nullable(v.string()),
  quantity: v.number(),
  unit_amount: v.number(),
  amount: v.number(),
  tax_rate: v.nullable(v.number()),
  tax_amount: v.number(),
});

export const invoiceOut = v.object({
  id: v.string(),
  object: v.literal('invoice'),
  number: v.nullable(v.string()),
  status: v.picklist(['draft', 'open', 'paid', 'void', 'uncollectible']),
  payment_status: v.picklist(['none', 'pending', 'processing', 'requires_action', 'failed', 'succeeded', 'out_of_band']),
  billing_reason: v.picklist(['subscription_create', 'subscription_cycle', 'trial_end', 'manual']),
  customer: v.string(),
  subscription: v.nullable(v.string()),
  currency: v.string(),
  lines: v.array(invoiceLineOut),
  subtotal: v.number(),
  tax: v.number(),
  total: v.number(),
  amount_paid: v.number(),
  amount_due: v.number(),
  collection_method: v.picklist(['charge_automatically', 'send_invoice']),
  due_date: v.nullable(v.string()),
  /** send_invoice: open after its due date. */
  overdue: v.boolean(),
  attempt_count: v.number(),
  next_payment_attempt: v.nullable(v.string()),
  paid_out_of_band: v.boolean(),
  hosted_invoice_url: v.nullable(v.string()),
  created_at: v.string(),
  finalized_at: v.nullable(v.string()),
  paid_at: v.nullable(v.string()),
});

export type InvoiceJson = v.InferOutput<typeof invoiceOut>;

/** `hostedUrl` is null for drafts (nothing to show a customer yet). `now` decides `overdue`. */
export const toJson = (i: Invoice, hostedUrl: string | null, now: Date): InvoiceJson => ({
  id: i.id,
  object: 'invoice',
  number: i.number,
  status: i.status,
  payment_status: i.paymentStatus,
  billing_reason: i.billingReason,
  customer: i.customerId,
  subscription: i.subscriptionId,
  currency: i.currency,
  lines: i.lines.map((l) => ({
    description: l.description,
    period_start: l.periodStart,
    period_end: l.periodEnd,
    quantity: l.quantity,
    unit_amount: l.unitAmount,
    amount: l.amount,
    tax_rate: l.taxRate,
    tax_amount: l.taxAmount,
  })),
  subtotal: i.subtotal,
  tax: i.tax,
  total: i.total,
  amount_paid: i.amountPaid,
  amount_due: i.status === 'void' ? 0 : i.total - i.amountPaid,
  collection_method: i.collectionMethod,
  due_date: i.dueDate,
  overdue: i.status === 'open' && i.dueDate !== null && i.dueDate < now.toISOString(),
  attempt_count: i.attemptCount,
  next_payment_attempt: i.nextPaymentAttempt,
  paid_out_of_band: i.paidOutOfBandMethod !== null,
  hosted_invoice_url: i.status === 'draft' ? null : hostedUrl,
  created_at: i.createdAt,
  finalized_at: i.finalizedAt,
  paid_at: i.paidAt,
});
