import type { Database, SqlValue } from '../db/port.ts';

export interface Endpoint {
  seq: number;
  id: string;
  merchantId: string;
  url: string;
  events: string[];
  secret: string;
  status: 'enabled' | 'failing' | 'disabled';
  createdAt: string;
}

interface EndpointRow {
  seq: number;
  id: string;
  merchant_id: string;
  url: string;
  events: string;
  secret: string;
  status: Endpoint['status'];
  created_at: string;
}

export interface Delivery {
  seq: number;
  id: string;
  endpointId: string;
  eventId: string;
  eventType: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  nextAttemptAt: string;
  lastStatus: number | null;
  lastError: string | null;
  createdAt: string;
  deliveredAt: string | null;
}

export interface DeliveryRow {
  seq: number;
  id: string;
  endpoint_id: string;
  event_id: string;
  event_type: string;
  status: Delivery['status'];
  attempts: number;
  next_attempt_at: string;
  last_status: number | null;
  last_error: string | null;
  created_at: string;
  delivered_at: string | null;
}

export const endpointFromRow = (r: EndpointRow): Endpoint => ({
  seq: r.seq,
  id: r.id,
  merchantId: r.merchant_id,
  url: r.url,
  events: JSON.parse(r.events) as string[],
  secret: r.secret,
  status: r.status,
  createdAt: r.created_at,
});

export const deliveryFromRow = (r: DeliveryRow): Delivery => ({
  seq: r.seq,
  id: r.id,
  endpointId: r.endpoint_id,
  eventId: r.event_id,
  eventType: r.event_type,
  status: r.status,
  attempts: r.attempts,
  nextAttemptAt: r.next_attempt_at,
  lastStatus: r.last_status,
  lastError: r.last_error,
  createdAt: r.created_at,
  deliveredAt: r.delivered_at,
});

export function webhookRepository(db: Database) {
  return {
    async endpoint(merchantId: string, id: string): Promise<Endpoint | undefined> {
      const row = await db.get<EndpointRow>('SELECT * FROM webhook_endpoints WHERE merchant_id = ? AND id = ?', [merchantId, id]);
      return row && endpointFromRow(row);
    },
    async endpoints(merchantId: string, limit: number, afterSeq?: number): Promise<Endpoint[]> {
      const params: SqlValue[] = [merchantId];
      let where = 'merchant_id = ?';
      if (afterSeq !== undefined) {
        where += ' AND seq < ?';
        params.push(afterSeq);
      }
      params.push(limit);
      const rows = await db.all<EndpointRow>(`SELECT * FROM webhook_endpoints WHERE ${where} ORDER BY seq DESC LIMIT ?`, params);
      return rows.map(endpointFromRow);
    },
    async deliveries(endpointId: string, limit: number): Promise<Delivery[]> {
      const rows = await db.all<DeliveryRow>(
        `SELECT d.*, e.type AS event_type FROM webhook_deliveries d JOIN events e ON e.id = d.event_id
         WHERE d.endpoint_id = ? ORDER BY d.seq DESC LIMIT ?`,
        [endpointId, limit],
      );
      return rows.map(deliveryFromRow);
    },
  };
}
