import type { Statement } from '../db/port.ts';
import { sql } from '../db/port.ts';
import type { EventType } from '../events/outbox.ts';
import { newId } from '../lib/ids.ts';

/**
 * Outbox rows for billing, written in the same batch as the change. `guard` is read when the batch
 * runs (put the event BEFORE an UPDATE that makes its guard false). When `numberOf` is given, the
 * event's `number` is read from that invoice in SQL, because the number is assigned by the batch itself.
 */
export function billingEvent(merchantId: string, type: EventType, data: object, at: string, guard: Statement, numberOf?: string): Statement {
  const dataSql = numberOf ? "json_set(?, '$.number', (SELECT number FROM invoices WHERE id = ?))" : '?';
  const dataParams = numberOf ? [JSON.stringify(data), numberOf] : [JSON.stringify(data)];
  return sql(
    `INSERT INTO events (id, merchant_id, type, data, created_at) SELECT ?, ?, ?, ${dataSql}, ? WHERE ${guard.sql}`,
    newId('evt'), merchantId, type, ...dataParams, at, ...guard.params,
  );
}

export const invoiceExists = (invoiceId: string, status?: string): Statement =>
  status
    ? sql('EXISTS (SELECT 1 FROM invoices WHERE id = ? AND status = ?)', invoiceId, status)
    : sql('EXISTS (SELECT 1 FROM invoices WHERE id = ?)', invoiceId);
