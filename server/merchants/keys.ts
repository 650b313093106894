import { sha256Hex } from '../lib/crypto.ts';
import { randomToken } from '../lib/ids.ts';
import type { Mode } from './repository.ts';

export type KeyKind = 'publishable' | 'secret';

/** `porte_pk_test_…` / `porte_sk_live_…`: the `porte_` prefix keeps them apart from Stripe's keys. */
export function generateKey(kind: KeyKind, mode: Mode): string {
  return `porte_${kind === 'secret' ? 'sk' : 'pk'}_${mode}_${randomToken(32)}`;
}

export const keyPattern = /^porte_(pk|sk)_(test|live)_[0-9A-Za-z]{32}$/;

// Hashing a key through WebCrypto costs ~40 µs on every API call; the hash of a given token never
// changes, so remember a bounded number of them. The database is still asked on every request,
// so a rolled (revoked) key stops working at once.
const hashes = new Map<string, string>();
export async function hashKey(token: string): Promise<string> {
  const known = hashes.get(token);
  if (known) return known;
  const hash = await sha256Hex(token);
  if (hashes.size >= 1000) hashes.clear();
  hashes.set(token, hash);
  return hash;
}

/** What the back-office shows of a secret key after creation: its prefix and last four. */
export const keyHint = (token: string): string => `${token.slice(0, 14)}…${token.slice(-4)}`;
