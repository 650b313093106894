import type { Database, Statement } from '../db/port.ts';
import { sql } from '../db/port.ts';

export interface ActivityItem {
  type: string;
  data: Record<string, unknown>;
  createdAt: string;
}

/** A line of a customer's "recent activity", always written in the batch of the change itself. */
export const activityStatement = (
  merchantId: string,
  customerId: string,
  type: string,
  data: Record<string, unknown>,
  at: string,
): Statement =>
  sql(
    'INSERT INTO activity (merchant_id, customer_id, type, data, created_at) VALUES (?, ?, ?, ?, ?)',
    merchantId, customerId, type, JSON.stringify(data), at,
  );

export async function recentActivity(db: Database, merchantId: string, customerId: string, limit = 50): Promise<ActivityItem[]> {
  const rows = await db.all<{ type: string; data: string; created_at: string }>(
    'SELECT type, data, created_at FROM activity WHERE merchant_id = ? AND customer_id = ? ORDER BY seq DESC LIMIT ?',
    [merchantId, customerId, limit],
  );
  return rows.map((r) => ({ type: r.type, data: JSON.parse(r.data) as Record<string, unknown>, createdAt: r.created_at }));
}
