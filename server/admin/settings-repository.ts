import type { Database } from '../db/port.ts';
import { sql } from '../db/port.ts';
import { newId, randomToken } from '../lib/ids.ts';
import { generateKey, hashKey, keyHint } from '../merchants/keys.ts';
import { type Merchant, merchantRepository } from '../merchants/repository.ts';

/** The merchant's own settings, as the back-office changes them (the REST API has no settings endpoint). */
export function settingsRepository(db: Database, clock: () => Date) {
  return {
    async secretKeyHint(merchantId: string): Promise<string | undefined> {
      const row = await db.get<{ hint: string }>(
        `SELECT hint FROM api_keys WHERE merchant_id = ? AND kind = 'secret' AND revoked_at IS NULL ORDER BY created_at DESC LIMIT 1`,
        [merchantId],
      );
      return row?.hint;
    },
    /** The event of one of this endpoint's deliveries (the endpoint being already known to be the merchant's). */
    webhookDelivery: (endpointId: string, deliveryId: string) =>
      db.get<{ event_id: string; event_type: string }>(
        'SELECT e.id AS event_id, e.type AS event_type FROM webhook_deliveries d JOIN events e ON e.id = d.event_id WHERE d.id = ? AND d.endpoint_id = ?',
        [deliveryId, endpointId],
      ),
    setOrigins: (merchantId: string, origins: readonly string[]) =>
      db.run('UPDATE merchants SET allowed_origins = ? WHERE id = ?', [JSON.stringify(origins), merchantId]),
    setRedirects: (merchantId: string, successUrl: string | null, cancelUrl: string | null) =>
      db.run('UPDATE merchants SET success_url = ?, cancel_url = ? WHERE id = ?', [successUrl, cancelUrl, merchantId]),
    setEmbedSecret: (merchantId: string) =>
      db.run('UPDATE merchants SET embed_secret = ? WHERE id = ?', [`porte_es_${randomToken(32)}`, merchantId]),
    setGateway: (m: Pick<Merchant, 'id' | 'gateway' | 'stripeSecretKey' | 'stripePublishableKey' | 'stripeWebhookSecret'>) =>
      db.run(
        'UPDATE merchants SET gateway = ?, stripe_secret_key = ?, stripe_publishable_key = ?, stripe_webhook_secret = ? WHERE id = ?',
        [m.gateway, m.stripeSecretKey, m.stripePublishableKey, m.stripeWebhookSecret, m.id],
      ),
    /**
     * A new secret key in the same batch as the revocation of every older one: there is never a
     * moment with two valid secret keys, nor one with none. Returned once; only its hash is kept.
     */
    async rollSecretKey(merchant: Merchant): Promise<string> {
      const token = generateKey('secret', merchant.mode);
      const now = clock().toISOString();
      await db.batch([
        sql(`UPDATE api_keys SET revoked_at = ? WHERE merchant_id = ? AND kind = 'secret' AND revoked_at IS NULL`, now, merchant.id),
        merchantRepository(db).insertKey({ id: newId('key'), merchantId: merchant.id, kind: 'secret', token: null, tokenHash: await hashKey(token), hint: keyHint(token), createdAt: now }),
      ]);
      return token;
    },
  };
}
