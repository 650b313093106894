import type { Database, Statement } from '../db/port.ts';
import { sql } from '../db/port.ts';

export type Mode = 'test' | 'live';

export interface Merchant {
  id: string;
  /** The business this environment belongs to (team, profile, the other environment). */
  accountId: string;
  /** When the account passed "Go live" (null: the live environment takes no payment yet). */
  accountLiveAt: string | null;
  /** The account's branding, shown on this environment's pages. */
  brand: { color: string | null; logoHash: string | null; supportEmail: string | null; supportUrl: string | null };
  /** The account's VAT set-up (its country and regime): what every sale's VAT is decided from. */
  vat: { country: string | null; regime: 'registered' | 'franchise' };
  slug: string;
  name: string;
  mode: Mode;
  allowedOrigins: string[];
  embedSecret: string;
  successUrl: string | null;
  cancelUrl: string | null;
  gateway: 'test' | 'stripe';
  stripeSecretKey: string | null;
  stripePublishableKey: string | null;
  stripeWebhookSecret: string | null;
  createdAt: string;
}

interface MerchantRow {
  id: string;
  account_id: string;
  account_live_at: string | null;
  brand_color?: string | null;
  logo_hash?: string | null;
  support_email?: string | null;
  support_url?: string | null;
  account_country?: string | null;
  vat_regime?: string | null;
  slug: string;
  name: string;
  mode: Mode;
  allowed_origins: string;
  embed_secret: string;
  success_url: string | null;
  cancel_url: string | null;
  gateway: 'test' | 'stripe';
  stripe_secret_key: string | null;
  stripe_publishable_key: string | null;
  stripe_webhook_secret: string | null;
  created_at: string;
}

/** Every read of a merchant carries its account's go-live date and brand (one primary-key join). */
const COLUMNS = `m.*, a.live_at AS account_live_at, a.brand_color, a.logo_hash, a.support_email, a.support_url, a.country AS account_country, a.vat_regime`;
const FROM = 'merchants m LEFT JOIN accounts a ON a.id = m.account_id';

const fromRow = (r: MerchantRow): Merchant => ({
  id: r.id,
  accountId: r.account_id,
  accountLiveAt: r.account_live_at ?? null,
  brand: { color: r.brand_color ?? null, logoHash: r.logo_hash ?? null, supportEmail: r.support_email ?? null, supportUrl: r.support_url ?? null },
  vat: { country: r.account_country ?? null, regime: r.vat_regime === 'franchise' ? 'franchise' : 'registered' },
  slug: r.slug,
  name: r.name,
  mode: r.mode,
  allowedOrigins: JSON.parse(r.allowed_origins) as string[],
  embedSecret: r.embed_secret,
  successUrl: r.success_url,
  cancelUrl: r.cancel_url,
  gateway: r.gateway,
  stripeSecretKey: r.stripe_secret_key,
  stripePublishableKey: r.stripe_publishable_key,
  stripeWebhookSecret: r.stripe_webhook_secret,
  createdAt: r.created_at,
});

export function merchantRepository(db: Database) {
  const one = async (where: string, value: string): Promise<Merchant | undefined> => {
    const row = await db.get<MerchantRow>(`SELECT ${COLUMNS} FROM ${FROM} WHERE m.${where} = ?`, [value]);
    return row && fromRow(row);
  };
  return {
    count: async () => (await db.get<{ n: number }>('SELECT COUNT(*) AS n FROM merchants'))?.n ?? 0,
    byId: (id: string) => one('id', id),
    bySlug: (slug: string) => one('slug', slug),
    /** The account's environment of this mode, if it exists yet (live is created on first use). */
    async byAccount(accountId: string, mode: Mode): Promise<Merchant | undefined> {
      const row = await db.get<MerchantRow>(`SELECT ${COLUMNS} FROM ${FROM} WHERE m.account_id = ? AND m.mode = ?`, [accountId, mode]);
      return row && fromRow(row);
    },
    async byKeyHash(kind: 'publishable' | 'secret', tokenHash: string): Promise<Merchant | undefined> {
      const row = await db.get<MerchantRow>(
        `SELECT ${COLUMNS} FROM api_keys k JOIN merchants m ON m.id = k.merchant_id LEFT JOIN accounts a ON a.id = m.account_id
         WHERE k.token_hash = ? AND k.kind = ? AND k.revoked_at IS NULL`,
        [tokenHash, kind],
      );
      return row && fromRow(row);
    },
    insert(m: Merchant): Statement {
      return sql(
        `INSERT INTO merchants (id, account_id, slug, name, mode, allowed_origins, embed_secret, success_url, cancel_url,
           gateway, stripe_secret_key, stripe_publishable_key, stripe_webhook_secret, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        m.id, m.accountId, m.slug, m.name, m.mode, JSON.stringify(m.allowedOrigins), m.embedSecret, m.successUrl, m.cancelUrl,
        m.gateway, m.stripeSecretKey, m.stripePublishableKey, m.stripeWebhookSecret, m.createdAt,
      );
    },
    insertKey(k: { id: string; merchantId: string; kind: 'publishable' | 'secret'; token: string | null; tokenHash: string; hint: string; createdAt: string }): Statement {
      return sql(
        'INSERT INTO api_keys (id, merchant_id, kind, token, token_hash, hint, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
        k.id, k.merchantId, k.kind, k.token, k.tokenHash, k.hint, k.createdAt,
      );
    },
    insertUser(u: { id: string; merchantId: string; email: string; passwordHash: string; role: 'owner' | 'member'; createdAt: string }): Statement {
      return sql(
        'INSERT INTO users (id, merchant_id, email, password_hash, role, created_at) VALUES (?, ?, ?, ?, ?, ?)',
        u.id, u.merchantId, u.email, u.passwordHash, u.role, u.createdAt,
      );
    },
    async publishableKey(merchantId: string): Promise<string | undefined> {
      const row = await db.get<{ token: string }>(
        `SELECT token FROM api_keys WHERE merchant_id = ? AND kind = 'publishable' AND revoked_at IS NULL
         ORDER BY created_at DESC LIMIT 1`,
        [merchantId],
      );
      return row?.token;
    },
  };
}

export type MerchantRepository = ReturnType<typeof merchantRepository>;
