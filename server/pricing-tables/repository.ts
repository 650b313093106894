import type { Database, SqlValue, Statement } from '../db/port.ts';
import { sql } from '../db/port.ts';

/**
 * A pricing table as stored: offers by id, not by reference, so renaming an offer's reference
 * (allowed) never breaks a table. The API speaks references; the service translates.
 */
export interface PricingTable {
  rowid: number;
  id: string;
  merchantId: string;
  reference: string;
  offerIds: string[];
  highlightedId: string | null;
  createdAt: string;
  updatedAt: string;
}

interface PricingTableRow {
  rowid: number;
  id: string;
  merchant_id: string;
  reference: string;
  offers: string;
  highlighted: string | null;
  created_at: string;
  updated_at: string;
}

const fromRow = (r: PricingTableRow): PricingTable => ({
  rowid: r.rowid,
  id: r.id,
  merchantId: r.merchant_id,
  reference: r.reference,
  offerIds: JSON.parse(r.offers) as string[],
  highlightedId: r.highlighted,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

// The table has a TEXT primary key and no seq column: its rowid gives the insertion order that
// "newest first" needs (VACUUM may renumber rowids but keeps their order; cursors are references).
const SELECT = 'SELECT rowid, * FROM pricing_tables';

export function pricingTableRepository(db: Database) {
  return {
    async byReference(merchantId: string, reference: string): Promise<PricingTable | undefined> {
      const row = await db.get<PricingTableRow>(`${SELECT} WHERE merchant_id = ? AND reference = ?`, [merchantId, reference]);
      return row && fromRow(row);
    },
    /** Newest first; `afterRowid` continues a page. */
    async list(merchantId: string, opts: { limit: number; afterRowid?: number }): Promise<PricingTable[]> {
      const params: SqlValue[] = [merchantId];
      let where = 'merchant_id = ?';
      if (opts.afterRowid !== undefined) {
        where += ' AND rowid < ?';
        params.push(opts.afterRowid);
      }
      params.push(opts.limit);
      const rows = await db.all<PricingTableRow>(`${SELECT} WHERE ${where} ORDER BY rowid DESC LIMIT ?`, params);
      return rows.map(fromRow);
    },
    insert(t: PricingTable): Statement {
      return sql(
        `INSERT INTO pricing_tables (id, merchant_id, reference, offers, highlighted, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
        t.id, t.merchantId, t.reference, JSON.stringify(t.offerIds), t.highlightedId, t.createdAt, t.updatedAt,
      );
    },
    update(t: PricingTable): Statement {
      return sql(
        'UPDATE pricing_tables SET reference = ?, offers = ?, highlighted = ?, updated_at = ? WHERE merchant_id = ? AND id = ?',
        t.reference, JSON.stringify(t.offerIds), t.highlightedId, t.updatedAt, t.merchantId, t.id,
      );
    },
  };
}

export type PricingTableRepository = ReturnType<typeof pricingTableRepository>;
