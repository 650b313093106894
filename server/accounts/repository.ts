import type { Database, Statement } from '../db/port.ts';
import { sql } from '../db/port.ts';

export type VatRegime = 'registered' | 'franchise';

export interface PostalAddress {
  line1: string;
  line2: string | null;
  postal_code: string;
  city: string;
}

/** A business: one team, one profile, two environments (merchant rows of mode test and live). */
export interface Account {
  id: string;
  name: string;
  legalName: string | null;
  tradingName: string | null;
  address: PostalAddress | null;
  country: string | null;
  companyNumber: string | null;
  vatNumber: string | null;
  /** 'franchise': franchise en base (CGI art. 293 B), no VAT charged. */
  vatRegime: VatRegime;
  supportEmail: string | null;
  supportUrl: string | null;
  logoHash: string | null;
  brandColor: string | null;
  defaultLocale: 'en' | 'fr';
  liveAt: string | null;
  createdAt: string;
}

interface AccountRow {
  id: string;
  name: string;
  legal_name: string | null;
  trading_name: string | null;
  address: string | null;
  country: string | null;
  company_number: string | null;
  vat_number: string | null;
  vat_regime?: string;
  support_email: string | null;
  support_url: string | null;
  logo_hash: string | null;
  brand_color: string | null;
  default_locale: string;
  live_at: string | null;
  created_at: string;
}

const fromRow = (r: AccountRow): Account => ({
  id: r.id,
  name: r.name,
  legalName: r.legal_name,
  tradingName: r.trading_name,
  address: r.address ? (JSON.parse(r.address) as PostalAddress) : null,
  country: r.country,
  companyNumber: r.company_number,
  vatNumber: r.vat_number,
  vatRegime: r.vat_regime === 'franchise' ? 'franchise' : 'registered',
  supportEmail: r.support_email,
  supportUrl: r.support_url,
  logoHash: r.logo_hash,
  brandColor: r.brand_color,
  defaultLocale: r.default_locale === 'fr' ? 'fr' : 'en',
  liveAt: r.live_at,
  createdAt: r.created_at,
});

export type ProfileColumns = Omit<Account, 'id' | 'liveAt' | 'createdAt' | 'logoHash'>;

export function accountRepository(db: Database) {
  return {
    count: async () => (await db.get<{ n: number }>('SELECT COUNT(*) AS n FROM accounts'))?.n ?? 0,
    async byId(id: string): Promise<Account | undefined> {
      const row = await db.get<AccountRow>('SELECT * FROM accounts WHERE id = ?', [id]);
      return row && fromRow(row);
    },
    insert(a: Pick<Account, 'id' | 'name' | 'tradingName' | 'createdAt'>, guard?: Statement): Statement {
      if (!guard) return sql('INSERT INTO accounts (id, name, trading_name, created_at) VALUES (?, ?, ?, ?)', a.id, a.name, a.tradingName, a.createdAt);
      return sql(
        `INSERT INTO accounts (id, name, trading_name, created_at) SELECT ?, ?, ?, ? WHERE ${guard.sql}`,
        a.id, a.name, a.tradingName, a.createdAt, ...guard.params,
      );
    },
    /**
     * The profile, and the display name of both environments with it: checkout, portal and emails
     * read the merchant row's name, so they show the trading name without knowing about accounts.
     */
    updateProfile(id: string, p: ProfileColumns): Statement[] {
      return [
        sql(
          `UPDATE accounts SET name = ?, legal_name = ?, trading_name = ?, address = ?, country = ?, company_number = ?,
             vat_number = ?, vat_regime = ?, support_email = ?, support_url = ?, brand_color = ?, default_locale = ? WHERE id = ?`,
          p.name, p.legalName, p.tradingName, p.address ? JSON.stringify(p.address) : null, p.country, p.companyNumber,
          p.vatNumber, p.vatRegime, p.supportEmail, p.supportUrl, p.brandColor, p.defaultLocale, id,
        ),
        sql('UPDATE merchants SET name = ? WHERE account_id = ?', p.tradingName ?? p.name, id),
      ];
    },
    setLogo(id: string, logo: { hash: string; contentType: string; base64: string; createdAt: string } | null): Statement[] {
      if (!logo) return [sql('UPDATE accounts SET logo_hash = NULL WHERE id = ?', id)];
      return [
        sql('INSERT OR IGNORE INTO account_logos (hash, account_id, content_type, data, created_at) VALUES (?, ?, ?, ?, ?)', logo.hash, id, logo.contentType, logo.base64, logo.createdAt),
        sql('UPDATE accounts SET logo_hash = ? WHERE id = ?', logo.hash, id),
      ];
    },
    logo: (hash: string) => db.get<{ content_type: string; data: string }>('SELECT content_type, data FROM account_logos WHERE hash = ?', [hash]),
    /** Guarded: going live happens once; a second call changes nothing. */
    setLive: (id: string, at: string) => db.run('UPDATE accounts SET live_at = ? WHERE id = ? AND live_at IS NULL', [at, id]),
  };
}

export type AccountRepository = ReturnType<typeof accountRepository>;
