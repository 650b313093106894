import type { Database, SqlValue } from '../db/port.ts';

export interface StoredEmail {
  seq: number;
  id: string;
  customerId: string | null;
  kind: string;
  locale: 'en' | 'fr';
  from: string;
  replyTo: string | null;
  to: string;
  subject: string;
  html: string;
  text: string;
  messageId: string;
  data: Record<string, string>;
  status: 'pending' | 'sent' | 'stored' | 'failed';
  attempts: number;
  nextAttemptAt: string;
  lastError: string | null;
  createdAt: string;
  sentAt: string | null;
}

interface Row {
  seq: number;
  id: string;
  customer_id: string | null;
  kind: string;
  locale: 'en' | 'fr';
  from_address: string;
  reply_to: string | null;
  to_address: string;
  subject: string;
  html: string;
  text: string;
  message_id: string;
  data: string;
  status: StoredEmail['status'];
  attempts: number;
  next_attempt_at: string;
  last_error: string | null;
  created_at: string;
  sent_at: string | null;
}

const fromRow = (r: Row): StoredEmail => ({
  seq: r.seq,
  id: r.id,
  customerId: r.customer_id,
  kind: r.kind,
  locale: r.locale,
  from: r.from_address,
  replyTo: r.reply_to,
  to: r.to_address,
  subject: r.subject,
  html: r.html,
  text: r.text,
  messageId: r.message_id,
  data: JSON.parse(r.data) as Record<string, string>,
  status: r.status,
  attempts: r.attempts,
  nextAttemptAt: r.next_attempt_at,
  lastError: r.last_error,
  createdAt: r.created_at,
  sentAt: r.sent_at,
});

export function emailRepository(db: Database) {
  return {
    async byId(merchantId: string, id: string): Promise<StoredEmail | undefined> {
      const row = await db.get<Row>('SELECT * FROM emails WHERE merchant_id = ? AND id = ?', [merchantId, id]);
      return row && fromRow(row);
    },
    /** Newest first; `beforeSeq` pages on. */
    async list(merchantId: string, o: { limit: number; customerId?: string; beforeSeq?: number }): Promise<StoredEmail[]> {
      const params: SqlValue[] = [merchantId];
      let where = 'merchant_id = ?';
      if (o.customerId) {
        where += ' AND customer_id = ?';
        params.push(o.customerId);
      }
      if (o.beforeSeq !== undefined) {
        where += ' AND seq < ?';
        params.push(o.beforeSeq);
      }
      params.push(o.limit);
      const rows = await db.all<Row>(`SELECT * FROM emails WHERE ${where} ORDER BY seq DESC LIMIT ?`, params);
      return rows.map(fromRow);
    },
  };
}
