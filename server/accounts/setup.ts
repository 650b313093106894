import type { Database } from '../db/port.ts';
import { sql, type Statement, UniqueViolation } from '../db/port.ts';
import { safeEqual, sha256Hex } from '../lib/crypto.ts';
import { randomToken } from '../lib/ids.ts';
import { type CreatedMerchant, createMerchant } from '../merchants/service.ts';
import { accountRepository } from './repository.ts';

/** How long a printed setup link works: long enough to read the banner tomorrow morning. */
export const SETUP_TOKEN_HOURS = 48;

export type Signup = 'closed' | 'invite';

/**
 * First-run setup. On Node a single-use token is issued at start on an empty database and only
 * its hash kept; on Workers the operator's PORTE_SETUP_TOKEN secret is the token. With
 * PORTE_SIGNUP=invite the operator issues more (one per business) with the CLI.
 */
export function setupService(db: Database, clock: () => Date, o: { envToken?: string; signup?: Signup } = {}) {
  const accounts = accountRepository(db);
  const signup = o.signup ?? 'closed';

  /** Where the token's validity is checked again inside the batch that creates the account. */
  const guard = async (token: string, now: string): Promise<Statement> => {
    const open = signup === 'invite' ? '1' : 'NOT EXISTS (SELECT 1 FROM accounts)';
    if (o.envToken && safeEqual(await sha256Hex(token), await sha256Hex(o.envToken))) return sql(open);
    return sql(
      `${open} AND EXISTS (SELECT 1 FROM setup_tokens WHERE token_hash = ? AND used_at IS NULL AND expires_at > ?)`,
      await sha256Hex(token),
      now,
    );
  };

  return {
    /** A new token whose link is printed once; only its hash is stored. */
    async issue(): Promise<string> {
      const token = randomToken(32);
      const now = clock();
      await db.run('INSERT INTO setup_tokens (token_hash, created_at, expires_at) VALUES (?, ?, ?)', [
        await sha256Hex(token),
        now.toISOString(),
        new Date(now.getTime() + SETUP_TOKEN_HOURS * 3_600_000).toISOString(),
      ]);
      return token;
    },

    /** Whether the setup page may be shown for this token (the create batch checks again). */
    async valid(token: string | undefined): Promise<boolean> {
      if (!token || token.length > 200) return false;
      if (signup === 'closed' && (await accounts.count()) > 0) return false;
      if (o.envToken && safeEqual(await sha256Hex(token), await sha256Hex(o.envToken))) return true;
      const row = await db.get<{ n: number }>(
        'SELECT COUNT(*) AS n FROM setup_tokens WHERE token_hash = ? AND used_at IS NULL AND expires_at > ?',
        [await sha256Hex(token), clock().toISOString()],
      );
      return (row?.n ?? 0) > 0;
    },

    /**
     * The account, its test environment and owner, and the token spent, in one batch whose
     * account INSERT re-checks the token: two submissions of one link make one account.
     * Undefined when the token was spent or an account appeared meanwhile.
     */
    async createAccount(token: string, input: NewAccount): Promise<CreatedMerchant | undefined> {
      const now = clock().toISOString();
      try {
        return await createAccount(db, clock, input, {
          accountGuard: await guard(token, now),
          also: [sql('UPDATE setup_tokens SET used_at = ? WHERE token_hash = ? AND used_at IS NULL', now, await sha256Hex(token))],
        });
      } catch (error) {
        // The guard refused (foreign key failed): the link is no longer good. Anything else is a real error.
        if (error instanceof Error && /FOREIGN KEY/i.test(error.message)) return undefined;
        throw error;
      }
    },
  };
}

export interface NewAccount {
  name: string;
  email: string;
  password: string;
}

/** Raised when the owner's email already signs in to Porte (users.email is unique across accounts). */
export class EmailTaken extends Error {}

/**
 * A new account with its test environment and owner (the CLI, the setup page). Its slug comes
 * from the business name: `acme-test` (and `acme` for live later), with a suffix when taken.
 */
export async function createAccount(db: Database, clock: () => Date, input: NewAccount, extra: { accountGuard?: Statement; also?: Statement[] } = {}): Promise<CreatedMerchant> {
  const base = slugify(input.name);
  for (const slug of [base, `${base}-${randomToken(6).toLowerCase()}`]) {
    try {
      return await createMerchant(db, clock, {
        slug: `${slug}-test`,
        name: input.name,
        mode: 'test',
        allowedOrigins: [],
        owner: { email: input.email, password: input.password },
        ...extra,
      });
    } catch (error) {
      if (!(error instanceof UniqueViolation)) throw error;
      if (/users\.email/.test(error.detail)) throw new EmailTaken(input.email);
    }
  }
  throw new Error('no free slug for this business name');
}

/** "Atelier Dupont & Fils" → "atelier-dupont-fils": the environment's slug in shareable links. */
export function slugify(name: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40);
  return slug || 'shop';
}
