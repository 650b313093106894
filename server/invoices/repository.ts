import type { Database, SqlValue, Statement } from '../db/port.ts';
import { sql } from '../db/port.ts';

/**
 * Invoices: the document (draft → open → paid | void | uncollectible) and, apart from it, the
 * money (payment_status, attempts). Integer minor units, one currency per invoice.
 */
export type InvoiceStatus = 'draft' | 'open' | 'paid' | 'void' | 'uncollectible';
export type PaymentStatus = 'none' | 'pending' | 'processing' | 'requires_action' | 'failed' | 'succeeded' | 'out_of_band';
export type CollectionMethod = 'charge_automatically' | 'send_invoice';
export type BillingReason = 'subscription_create' | 'subscription_cycle' | 'trial_end' | 'manual';
export type OfflineMethod = 'bank_transfer' | 'check' | 'cash' | 'other';

export interface InvoiceLine {
  description: string;
  periodStart: string | null;
  periodEnd: string | null;
  quantity: number;
  unitAmount: number;
  amount: number;
  taxRate: number | null;
  taxAmount: number;
}

export interface Invoice {
  seq: number;
  id: string;
  merchantId: string;
  customerId: string;
  subscriptionId: string | null;
  number: string | null;
  status: InvoiceStatus;
  paymentStatus: PaymentStatus;
  billingReason: BillingReason;
  collectionMethod: CollectionMethod;
  currency: string;
  subtotal: number;
  tax: number;
  total: number;
  amountPaid: number;
  periodStart: string | null;
  periodEnd: string | null;
  dueDate: string | null;
  attemptCount: number;
  nextPaymentAttempt: string | null;
  firstFailedAt: string | null;
  lastFailureCode: string | null;
  hardDeclined: boolean;
  paidOutOfBandMethod: OfflineMethod | null;
  createdAt: string;
  finalizedAt: string | null;
  paidAt: string | null;
  voidedAt: string | null;
  markedUncollectibleAt: string | null;
  lines: InvoiceLine[];
}

interface Row {
  seq: number;
  id: string;
  merchant_id: string;
  customer_id: string;
  subscription_id: string | null;
  number: string | null;
  status: InvoiceStatus;
  payment_status: PaymentStatus;
  billing_reason: BillingReason;
  collection_method: CollectionMethod;
  currency: string;
  subtotal: number;
  tax: number;
  total: number;
  amount_paid: number;
  period_start: string | null;
  period_end: string | null;
  due_date: string | null;
  attempt_count: number;
  next_payment_attempt: string | null;
  first_failed_at: string | null;
  last_failure_code: string | null;
  hard_declined: number;
  paid_out_of_band_method: OfflineMethod | null;
  created_at: string;
  finalized_at: string | null;
  paid_at: string | null;
  voided_at: string | null;
  marked_uncollectible_at: string | null;
}

interface LineRow {
  invoice_id: string;
  description: string;
  period_start: string | null;
  period_end: string | null;
  quantity: number;
  unit_amount: number;
  amount: number;
  tax_rate: number | null;
  tax_amount: number;
}

const lineFromRow = (r: LineRow): InvoiceLine => ({
  description: r.description,
  periodStart: r.period_start,
  periodEnd: r.period_end,
  quantity: r.quantity,
  unitAmount: r.unit_amount,
  amount: r.amount,
  taxRate: r.tax_rate,
  taxAmount: r.tax_amount,
});

const fromRow = (r: Row, lines: InvoiceLine[]): Invoice => ({
  seq: r.seq,
  id: r.id,
  merchantId: r.merchant_id,
  customerId: r.customer_id,
  subscriptionId: r.subscription_id,
  number: r.number,
  status: r.status,
  paymentStatus: r.payment_status,
  billingReason: r.billing_reason,
  collectionMethod: r.collection_method,
  currency: r.currency,
  subtotal: r.subtotal,
  tax: r.tax,
  total: r.total,
  amountPaid: r.amount_paid,
  periodStart: r.period_start,
  periodEnd: r.period_end,
  dueDate: r.due_date,
  attemptCount: r.attempt_count,
  nextPaymentAttempt: r.next_payment_attempt,
  firstFailedAt: r.first_failed_at,
  lastFailureCode: r.last_failure_code,
  hardDeclined: r.hard_declined === 1,
  paidOutOfBandMethod: r.paid_out_of_band_method,
  createdAt: r.created_at,
  finalizedAt: r.finalized_at,
  paidAt: r.paid_at,
  voidedAt: r.voided_at,
  markedUncollectibleAt: r.marked_uncollectible_at,
  lines,
});

export interface InvoiceFilter {
  customerId?: string;
  subscriptionId?: string;
  status?: InvoiceStatus;
  afterSeq?: number;
  limit: number;
}

/** A payment attempt: its id is the root of the gateway idempotency key (`paymentKey`). */
export interface InvoicePayment {
  id: string;
  invoiceId: string;
  attempt: number;
  status: 'pending' | 'unknown' | 'succeeded' | 'processing' | 'requires_action' | 'failed';
  amount: number;
  currency: string;
  gatewayPaymentId: string | null;
  failureCode: string | null;
  declineCode: string | null;
  createdAt: string;
}

interface PaymentRow {
  id: string;
  invoice_id: string;
  attempt: number;
  status: InvoicePayment['status'];
  amount: number;
  currency: string;
  gateway_payment_id: string | null;
  failure_code: string | null;
  decline_code: string | null;
  created_at: string;
}

const paymentFromRow = (r: PaymentRow): InvoicePayment => ({
  id: r.id,
  invoiceId: r.invoice_id,
  attempt: r.attempt,
  status: r.status,
  amount: r.amount,
  currency: r.currency,
  gatewayPaymentId: r.gateway_payment_id,
  failureCode: r.failure_code,
  declineCode: r.decline_code,
  createdAt: r.created_at,
});

/** The gateway idempotency key of an attempt: stable across crashes, retries and runners. */
export const paymentKey = (paymentId: string): string => `porte_${paymentId}`;

export function invoiceRepository(db: Database) {
  const withLines = async (rows: Row[]): Promise<Invoice[]> => {
    if (rows.length === 0) return [];
    const ids = rows.map((r) => r.id);
    const lines: LineRow[] = [];
    // D1 binds at most 100 parameters per statement: ask in slices.
    for (let i = 0; i < ids.length; i += 90) {
      const slice = ids.slice(i, i + 90);
      lines.push(...(await db.all<LineRow>(`SELECT * FROM invoice_lines WHERE invoice_id IN (${slice.map(() => '?').join(', ')}) ORDER BY invoice_id, position`, slice)));
    }
    const byInvoice = new Map<string, InvoiceLine[]>();
    for (const l of lines) {
      const list = byInvoice.get(l.invoice_id) ?? [];
      list.push(lineFromRow(l));
      byInvoice.set(l.invoice_id, list);
    }
    return rows.map((r) => fromRow(r, byInvoice.get(r.id) ?? []));
  };
  return {
    async byId(merchantId: string, id: string): Promise<Invoice | undefined> {
      const row = await db.get<Row>('SELECT * FROM invoices WHERE merchant_id = ? AND id = ?', [merchantId, id]);
      return row && (await withLines([row]))[0];
    },
    /** Newest first, like every list. */
    async list(merchantId: string, f: InvoiceFilter): Promise<Invoice[]> {
      const params: SqlValue[] = [merchantId];
      let where = 'merchant_id = ?';
      for (const [column, value] of [
        ['customer_id', f.customerId],
        ['subscription_id', f.subscriptionId],
        ['status', f.status],
      ] as const) {
        if (value === undefined) continue;
        where += ` AND ${column} = ?`;
        params.push(value);
      }
      if (f.afterSeq !== undefined) {
        where += ' AND seq < ?';
        params.push(f.afterSeq);
      }
      params.push(f.limit);
      return withLines(await db.all<Row>(`SELECT * FROM invoices WHERE ${where} ORDER BY seq DESC LIMIT ?`, params));
    },
    /** Open invoices of a customer, oldest first (the portal pays them, a new card retries them). */
    async openOf(merchantId: string, customerId: string): Promise<Invoice[]> {
      return withLines(
        await db.all<Row>("SELECT * FROM invoices WHERE merchant_id = ? AND customer_id = ? AND status = 'open' ORDER BY seq", [merchantId, customerId]),
      );
    },
    async payments(invoiceId: string): Promise<InvoicePayment[]> {
      return (await db.all<PaymentRow>('SELECT * FROM invoice_payments WHERE invoice_id = ? ORDER BY attempt', [invoiceId])).map(paymentFromRow);
    },
    /** The attempt whose outcome is not known yet (a crash or timeout after asking the gateway). */
    async unsettledPayment(invoiceId: string): Promise<InvoicePayment | undefined> {
      const row = await db.get<PaymentRow>(
        "SELECT * FROM invoice_payments WHERE invoice_id = ? AND status IN ('pending', 'unknown', 'processing') ORDER BY attempt DESC LIMIT 1",
        [invoiceId],
      );
      return row && paymentFromRow(row);
    },
    /** Insert a draft with its lines. `guard` (a boolean SQL expression) must hold for the insert to happen. */
    insertDraft(inv: Invoice, guard?: Statement): Statement[] {
      const values: SqlValue[] = [
        inv.id, inv.merchantId, inv.customerId, inv.subscriptionId, inv.billingReason, inv.collectionMethod, inv.currency,
        inv.subtotal, inv.tax, inv.total, inv.periodStart, inv.periodEnd, inv.dueDate, inv.createdAt, inv.createdAt,
      ];
      const insert = sql(
        `INSERT INTO invoices (id, merchant_id, customer_id, subscription_id, status, billing_reason, collection_method, currency,
           subtotal, tax, total, period_start, period_end, due_date, created_at, updated_at)
         SELECT ?, ?, ?, ?, 'draft', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ? WHERE ${guard ? guard.sql : '1'}`,
        ...values, ...(guard?.params ?? []),
      );
      const lines = inv.lines.map((l, position) =>
        sql(
          `INSERT INTO invoice_lines (invoice_id, position, description, period_start, period_end, quantity, unit_amount, amount, tax_rate, tax_amount)
           SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM invoices WHERE id = ?)`,
          inv.id, position, l.description, l.periodStart, l.periodEnd, l.quantity, l.unitAmount, l.amount, l.taxRate, l.taxAmount, inv.id,
        ),
      );
      return [insert, ...lines];
    },
    /** With `guard` (an SQL condition), the row is written only while the guard holds. */
    insertPayment(p: InvoicePayment, merchantId: string, guard?: Statement): Statement {
      return sql(
        `INSERT INTO invoice_payments (id, merchant_id, invoice_id, attempt, status, amount, currency, created_at, updated_at)
         SELECT ?, ?, ?, ?, ?, ?, ?, ?, ? ${guard ? `WHERE ${guard.sql}` : ''}`,
        p.id, merchantId, p.invoiceId, p.attempt, p.status, p.amount, p.currency, p.createdAt, p.createdAt,
        ...(guard?.params ?? []),
      );
    },
  };
}

export type InvoiceRepository = ReturnType<typeof invoiceRepository>;
