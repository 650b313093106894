import type { Database, Statement } from '../db/port.ts';
import { sql } from '../db/port.ts';
import type { Prefill } from './schema.ts';

export interface CheckoutSession {
  id: string;
  merchantId: string;
  offerId: string;
  customerReference: string | null;
  customerEmail: string | null;
  /** The reference was vouched for (secret key, or the widget's identity hash): only then is it prefilled. */
  customerHashVerified: boolean;
  prefill: Prefill;
  successUrl: string;
  cancelUrl: string;
  locale: 'en' | 'fr' | null;
  source: 'api' | 'link' | 'widget';
  status: 'open' | 'complete';
  customerId: string | null;
  subscriptionId: string | null;
  gatewayState: Record<string, string>;
  /** The merchant page's origin when opened by the widget: the only target of the page's messages. */
  embedOrigin: string | null;
  clientIp: string | null;
  expiresAt: string;
  completedAt: string | null;
  createdAt: string;
}

interface Row {
  id: string;
  merchant_id: string;
  offer_id: string;
  customer_reference: string | null;
  customer_email: string | null;
  customer_hash_verified: number;
  prefill: string;
  success_url: string;
  cancel_url: string;
  locale: 'en' | 'fr' | null;
  source: CheckoutSession['source'];
  status: CheckoutSession['status'];
  customer_id: string | null;
  subscription_id: string | null;
  gateway_state: string;
  embed_origin: string | null;
  client_ip: string | null;
  expires_at: string;
  completed_at: string | null;
  created_at: string;
}

const fromRow = (r: Row): CheckoutSession => ({
  id: r.id,
  merchantId: r.merchant_id,
  offerId: r.offer_id,
  customerReference: r.customer_reference,
  customerEmail: r.customer_email,
  customerHashVerified: r.customer_hash_verified === 1,
  prefill: JSON.parse(r.prefill) as Prefill,
  successUrl: r.success_url,
  cancelUrl: r.cancel_url,
  locale: r.locale,
  source: r.source,
  status: r.status,
  customerId: r.customer_id,
  subscriptionId: r.subscription_id,
  gatewayState: JSON.parse(r.gateway_state) as Record<string, string>,
  embedOrigin: r.embed_origin,
  clientIp: r.client_ip,
  expiresAt: r.expires_at,
  completedAt: r.completed_at,
  createdAt: r.created_at,
});

export function checkoutRepository(db: Database) {
  return {
    async byId(id: string): Promise<CheckoutSession | undefined> {
      const row = await db.get<Row>('SELECT * FROM checkout_sessions WHERE id = ?', [id]);
      return row && fromRow(row);
    },
    /**
     * With `limit`, the row is written only while the address opened fewer than `max` sessions
     * since `since`: counted inside the INSERT, so concurrent requests (in any process) cannot all
     * pass a count read before it. No row written (changes 0) means over the limit.
     */
    insert(s: CheckoutSession, limit?: { since: string; max: number }): Statement {
      const guard = limit ? 'WHERE (SELECT COUNT(*) FROM checkout_sessions WHERE merchant_id = ? AND client_ip = ? AND created_at >= ?) < ?' : '';
      return sql(
        `INSERT INTO checkout_sessions (id, merchant_id, offer_id, customer_reference, customer_email, customer_hash_verified, prefill,
           success_url, cancel_url, locale, source, status, gateway_state, embed_origin, client_ip, expires_at, created_at)
         SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'open', '{}', ?, ?, ?, ? ${guard}`,
        s.id, s.merchantId, s.offerId, s.customerReference, s.customerEmail, s.customerHashVerified ? 1 : 0, JSON.stringify(s.prefill),
        s.successUrl, s.cancelUrl, s.locale, s.source, s.embedOrigin, s.clientIp, s.expiresAt, s.createdAt,
        ...(limit ? [s.merchantId, s.clientIp, limit.since, limit.max] : []),
      );
    },
    saveGatewayState(id: string, state: Record<string, string>): Promise<unknown> {
      return db.run("UPDATE checkout_sessions SET gateway_state = ? WHERE id = ? AND status = 'open'", [JSON.stringify(state), id]);
    },
    /** Guarded: only an open session completes, so a lost race changes nothing. */
    complete(id: string, customerId: string, subscriptionId: string, at: string): Statement {
      return sql(
        `UPDATE checkout_sessions SET status = 'complete', customer_id = ?, subscription_id = ?, completed_at = ?
         WHERE id = ? AND status = 'open'`,
        customerId, subscriptionId, at, id,
      );
    },
  };
}
