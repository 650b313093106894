import type { Statement } from '../db/port.ts';
import { sql } from '../db/port.ts';
import { newId } from '../lib/ids.ts';

/** The event types of CONTRACT.md's "Outgoing webhooks". */
export type EventType =
  | 'customer.created'
  | 'customer.updated'
  | 'customer.deleted'
  | 'customer.anonymized'
  | 'customer.grey_listed'
  | 'customer.payment_method.updated'
  | 'subscription.created'
  | 'subscription.updated'
  | 'subscription.canceled'
  | 'subscription.trial_will_end'
  | 'checkout_session.completed'
  | 'invoice.created'
  | 'invoice.finalized'
  | 'invoice.paid'
  | 'invoice.payment_failed'
  | 'invoice.payment_action_required'
  | 'invoice.voided'
  | 'invoice.marked_uncollectible';

/** An outbox row: written in the same batch as the change, delivered later (at least once). */
export const eventStatement = (merchantId: string, type: EventType, data: object, at: string): Statement =>
  sql(
    'INSERT INTO events (id, merchant_id, type, data, created_at) VALUES (?, ?, ?, ?, ?)',
    newId('evt'), merchantId, type, JSON.stringify(data), at,
  );

/** The same, only if `guardSql` (a boolean SELECT expression) holds when the batch runs. */
export const guardedEventStatement = (
  merchantId: string,
  type: EventType,
  data: object,
  at: string,
  guard: Statement,
): Statement =>
  sql(
    `INSERT INTO events (id, merchant_id, type, data, created_at) SELECT ?, ?, ?, ?, ? WHERE ${guard.sql}`,
    newId('evt'), merchantId, type, JSON.stringify(data), at, ...guard.params,
  );
