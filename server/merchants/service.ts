import type { Database } from '../db/port.ts';
import { hashPassword } from '../lib/crypto.ts';
import { newId, randomToken } from '../lib/ids.ts';
import { generateKey, hashKey, keyHint } from './keys.ts';
import { type Merchant, type Mode, merchantRepository } from './repository.ts';

export interface NewMerchant {
  slug: string;
  name: string;
  mode: Mode;
  allowedOrigins: string[];
  owner: { email: string; password: string };
}

export interface CreatedMerchant {
  merchant: Merchant;
  publishableKey: string;
  secretKey: string;
}

/** A merchant, its two keys and its owner, in one batch. The secret key is returned once, never stored. */
export async function createMerchant(db: Database, clock: () => Date, input: NewMerchant): Promise<CreatedMerchant> {
  const repo = merchantRepository(db);
  const now = clock().toISOString();
  const merchant: Merchant = {
    id: newId('mer'),
    slug: input.slug,
    name: input.name,
    mode: input.mode,
    allowedOrigins: input.allowedOrigins,
    embedSecret: `porte_es_${randomToken(32)}`,
    successUrl: null,
    cancelUrl: null,
    gateway: 'test',
    stripeSecretKey: null,
    stripePublishableKey: null,
    stripeWebhookSecret: null,
    createdAt: now,
  };
  const publishableKey = generateKey('publishable', input.mode);
  const secretKey = generateKey('secret', input.mode);
  await db.batch([
    repo.insert(merchant),
    repo.insertKey({ id: newId('key'), merchantId: merchant.id, kind: 'publishable', token: publishableKey, tokenHash: await hashKey(publishableKey), hint: keyHint(publishableKey), createdAt: now }),
    repo.insertKey({ id: newId('key'), merchantId: merchant.id, kind: 'secret', token: null, tokenHash: await hashKey(secretKey), hint: keyHint(secretKey), createdAt: now }),
    repo.insertUser({ id: newId('usr'), merchantId: merchant.id, email: input.owner.email, passwordHash: await hashPassword(input.owner.password), role: 'owner', createdAt: now }),
  ]);
  return { merchant, publishableKey, secretKey };
}
