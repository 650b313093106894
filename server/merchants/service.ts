import { accountRepository } from '../accounts/repository.ts';
import type { Database, Statement } from '../db/port.ts';
import { UniqueViolation } from '../db/port.ts';
import { hashPassword } from '../lib/crypto.ts';
import { newId, randomToken } from '../lib/ids.ts';
import { generateKey, hashKey, keyHint } from './keys.ts';
import { type Merchant, type Mode, merchantRepository } from './repository.ts';

export interface NewMerchant {
  slug: string;
  name: string;
  mode: Mode;
  allowedOrigins: string[];
  /** The account's owner: required when a new account is created, absent for a second environment. */
  owner?: { email: string; password: string };
  /** Adds this environment to an existing account; absent: a new account is created with it. */
  accountId?: string;
  /**
   * For a new account: a condition its INSERT must meet inside the batch (first-run setup: "no
   * account yet", "the token is unspent"). When it fails no account row is written, the
   * environment's foreign key fails, and the whole batch changes nothing.
   */
  accountGuard?: Statement;
  /** More statements for the same batch (spending the setup token). */
  also?: Statement[];
}

export interface CreatedMerchant {
  merchant: Merchant;
  publishableKey: string;
  secretKey: string;
}

function newMerchant(input: NewMerchant, accountId: string, now: string): Merchant {
  return {
    id: newId('mer'),
    accountId,
    accountLiveAt: null,
    brand: { color: null, logoHash: null, supportEmail: null, supportUrl: null },
    vat: { country: null, regime: 'registered' },
    slug: input.slug,
    name: input.name,
    mode: input.mode,
    allowedOrigins: input.allowedOrigins,
    embedSecret: `porte_es_${randomToken(32)}`,
    successUrl: null,
    cancelUrl: null,
    // The test gateway exists only in test: a live environment starts on Stripe (without keys
    // until the owner enters them on the "Go live" page), never on a gateway that cannot charge.
    gateway: input.mode === 'test' ? 'test' : 'stripe',
    stripeSecretKey: null,
    stripePublishableKey: null,
    stripeWebhookSecret: null,
    createdAt: now,
  };
}

async function keyStatements(db: Database, merchant: Merchant, now: string, withSecret: boolean) {
  const repo = merchantRepository(db);
  const publishableKey = generateKey('publishable', merchant.mode);
  const secretKey = generateKey('secret', merchant.mode);
  const statements: Statement[] = [
    repo.insertKey({ id: newId('key'), merchantId: merchant.id, kind: 'publishable', token: publishableKey, tokenHash: await hashKey(publishableKey), hint: keyHint(publishableKey), createdAt: now }),
  ];
  if (withSecret) {
    statements.push(repo.insertKey({ id: newId('key'), merchantId: merchant.id, kind: 'secret', token: null, tokenHash: await hashKey(secretKey), hint: keyHint(secretKey), createdAt: now }));
  }
  return { statements, publishableKey, secretKey };
}

/**
 * An environment (a merchant row), its two keys and — for a new account — the account and its
 * owner, in one batch. The secret key is returned once, never stored.
 */
export async function createMerchant(db: Database, clock: () => Date, input: NewMerchant): Promise<CreatedMerchant> {
  const repo = merchantRepository(db);
  const now = clock().toISOString();
  const statements: Statement[] = [];
  let accountId = input.accountId;
  if (!accountId) {
    accountId = newId('acct');
    statements.push(accountRepository(db).insert({ id: accountId, name: input.name, tradingName: input.name, createdAt: now }, input.accountGuard));
  }
  const merchant = newMerchant(input, accountId, now);
  const keys = await keyStatements(db, merchant, now, true);
  statements.push(repo.insert(merchant), ...keys.statements);
  if (input.owner) {
    statements.push(repo.insertUser({ id: newId('usr'), merchantId: merchant.id, email: input.owner.email, passwordHash: await hashPassword(input.owner.password), role: 'owner', createdAt: now }));
  }
  await db.batch([...statements, ...(input.also ?? [])]);
  return { merchant, publishableKey: keys.publishableKey, secretKey: keys.secretKey };
}

/** The live slug beside a test one: `acme-test` → `acme`, `demo` → `demo-live`. */
const siblingSlug = (slug: string, mode: Mode): string =>
  mode === 'live' ? (slug.endsWith('-test') ? slug.slice(0, -5) : `${slug}-live`) : slug.endsWith('-live') ? slug.slice(0, -5) : `${slug}-test`;

/**
 * The account's environment of this mode, created on first use (accounts migrated from a single
 * merchant have only test). A new environment gets a publishable key and no secret key: nobody
 * has seen one, so there is none to leak; the owner makes one in settings when it is needed.
 * Two concurrent first uses: UNIQUE(account_id, mode) keeps one, the other reads it back.
 */
export async function ensureEnvironment(db: Database, clock: () => Date, from: Merchant, mode: Mode): Promise<Merchant> {
  const repo = merchantRepository(db);
  const existing = from.mode === mode ? from : await repo.byAccount(from.accountId, mode);
  if (existing) return existing;
  const now = clock().toISOString();
  for (const slug of [siblingSlug(from.slug, mode), `${siblingSlug(from.slug, mode)}-${randomToken(6).toLowerCase()}`]) {
    const merchant = newMerchant({ slug, name: from.name, mode, allowedOrigins: mode === 'live' ? [] : from.allowedOrigins }, from.accountId, now);
    const keys = await keyStatements(db, merchant, now, false);
    try {
      await db.batch([repo.insert(merchant), ...keys.statements]);
      return merchant;
    } catch (error) {
      if (!(error instanceof UniqueViolation)) throw error;
      const raced = await repo.byAccount(from.accountId, mode);
      if (raced) return raced;
      // Otherwise the slug was taken by another account: try the next candidate.
    }
  }
  throw new Error('could not create the environment');
}
