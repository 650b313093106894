import type { Database, Statement } from '../db/port.ts';
import { sql } from '../db/port.ts';

/**
 * Gapless numbering, per environment (merchant row), on both runtimes without BEGIN: the counter
 * is incremented by a guarded UPDATE in the same batch that finalizes the invoice, and the number
 * is computed in SQL from the counter the batch just moved. Either both happen or neither, so a
 * number is never taken without its invoice (no gap) nor given twice (UNIQUE(merchant_id, number)
 * is the last line of defence). Drafts have no number.
 */
export type DunningPolicy = 'cancel' | 'unpaid' | 'past_due';

export interface BillingSettings {
  merchantId: string;
  invoicePrefix: string;
  invoiceCounter: number;
  creditNoteCounter: number;
  dunningPolicy: DunningPolicy;
  testClockOffsetMs: number;
}

interface Row {
  merchant_id: string;
  invoice_prefix: string;
  invoice_counter: number;
  credit_note_counter: number;
  dunning_policy: DunningPolicy;
  test_clock_offset_ms: number;
}

/** `demo` → `DEMO`: letters and digits of the slug, upper case, at most 12. */
export const defaultPrefix = (slug: string): string => slug.toUpperCase().replace(/[^A-Z0-9]/g, '').slice(0, 12) || 'INV';

export const PREFIX_PATTERN = /^[A-Z0-9][A-Z0-9-]{0,19}$/;

/** `DEMO-2026-000042`: prefix, the year of finalization, the counter on six digits (more when needed). */
export const formatNumber = (prefix: string, year: number, n: number): string => `${prefix}-${year}-${String(n).padStart(6, '0')}`;

/** The same in SQL, reading the counter the batch has just incremented. */
const numberSql = (counter: 'invoice_counter' | 'credit_note_counter', infix: string) =>
  `(SELECT invoice_prefix || '${infix}' || ? || '-' || printf('%06d', ${counter}) FROM billing_settings WHERE merchant_id = ?)`;

export function ensureSettings(merchantId: string, slug: string, at: string): Statement {
  return sql('INSERT OR IGNORE INTO billing_settings (merchant_id, invoice_prefix, updated_at) VALUES (?, ?, ?)', merchantId, defaultPrefix(slug), at);
}

export async function billingSettings(db: Database, merchant: { id: string; slug: string }): Promise<BillingSettings> {
  let row = await db.get<Row>('SELECT * FROM billing_settings WHERE merchant_id = ?', [merchant.id]);
  if (!row) {
    const s = ensureSettings(merchant.id, merchant.slug, new Date().toISOString());
    await db.run(s.sql, s.params);
    row = await db.get<Row>('SELECT * FROM billing_settings WHERE merchant_id = ?', [merchant.id]);
  }
  if (!row) throw new Error('billing settings missing');
  return {
    merchantId: row.merchant_id,
    invoicePrefix: row.invoice_prefix,
    invoiceCounter: row.invoice_counter,
    creditNoteCounter: row.credit_note_counter,
    dunningPolicy: row.dunning_policy,
    testClockOffsetMs: row.test_clock_offset_ms,
  };
}

export interface FinalizeOptions {
  merchant: { id: string; slug: string };
  invoiceId: string;
  at: Date;
  dueDate: string | null;
  /** When the first automatic charge is due (charge_automatically), else null. */
  nextPaymentAttempt: string | null;
}

/**
 * draft → open with the next number, in the caller's batch. A zero-total invoice is paid at once.
 * Every statement is guarded on the invoice being a draft, so a second finalization is a no-op.
 */
export function finalizeStatements(o: FinalizeOptions): Statement[] {
  const at = o.at.toISOString();
  const draft = "EXISTS (SELECT 1 FROM invoices WHERE id = ? AND status = 'draft')";
  return [
    ensureSettings(o.merchant.id, o.merchant.slug, at),
    sql(`UPDATE billing_settings SET invoice_counter = invoice_counter + 1, updated_at = ? WHERE merchant_id = ? AND ${draft}`, at, o.merchant.id, o.invoiceId),
    sql(
      `UPDATE invoices SET status = 'open', number = ${numberSql('invoice_counter', '-')}, finalized_at = ?, due_date = ?,
         next_payment_attempt = ?, updated_at = ? WHERE id = ? AND status = 'draft'`,
      String(o.at.getUTCFullYear()), o.merchant.id, at, o.dueDate, o.nextPaymentAttempt, at, o.invoiceId,
    ),
    sql(
      `UPDATE invoices SET status = 'paid', payment_status = 'succeeded', paid_at = ?, next_payment_attempt = NULL, updated_at = ?
       WHERE id = ? AND status = 'open' AND total = 0`,
      at, at, o.invoiceId,
    ),
  ];
}

/**
 * Voids an open invoice: it keeps its number, and a credit note from its own gapless series
 * (`DEMO-CN-2026-000001`) cancels it, so the sequence of invoices stays whole.
 */
export function voidStatements(merchant: { id: string; slug: string }, invoiceId: string, creditNoteId: string, at: Date, reason: string | null): Statement[] {
  const iso = at.toISOString();
  const open = "EXISTS (SELECT 1 FROM invoices WHERE id = ? AND status = 'open')";
  return [
    ensureSettings(merchant.id, merchant.slug, iso),
    sql(`UPDATE billing_settings SET credit_note_counter = credit_note_counter + 1, updated_at = ? WHERE merchant_id = ? AND ${open}`, iso, merchant.id, invoiceId),
    sql(
      `INSERT INTO credit_notes (id, merchant_id, invoice_id, number, currency, total, reason, created_at)
       SELECT ?, merchant_id, id, ${numberSql('credit_note_counter', '-CN-')}, currency, total, ?, ? FROM invoices WHERE id = ? AND status = 'open'`,
      creditNoteId, String(at.getUTCFullYear()), merchant.id, reason, iso, invoiceId,
    ),
    sql(
      "UPDATE invoices SET status = 'void', voided_at = ?, next_payment_attempt = NULL, updated_at = ? WHERE id = ? AND status = 'open'",
      iso, iso, invoiceId,
    ),
  ];
}

export async function setBillingSettings(
  db: Database,
  merchant: { id: string; slug: string },
  patch: { invoicePrefix?: string; dunningPolicy?: DunningPolicy },
): Promise<void> {
  const at = new Date().toISOString();
  await db.batch([
    ensureSettings(merchant.id, merchant.slug, at),
    sql(
      'UPDATE billing_settings SET invoice_prefix = COALESCE(?, invoice_prefix), dunning_policy = COALESCE(?, dunning_policy), updated_at = ? WHERE merchant_id = ?',
      patch.invoicePrefix ?? null, patch.dunningPolicy ?? null, at, merchant.id,
    ),
  ]);
}
