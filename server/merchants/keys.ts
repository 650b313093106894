import { sha256Hex } from '../lib/crypto.ts';
import { randomToken } from '../lib/ids.ts';
import type { Mode } from './repository.ts';

export type KeyKind = 'publishable' | 'secret';

/** `porte_pk_test_…` / `porte_sk_live_…`: the `porte_` prefix keeps them apart from Stripe's keys. */
export function generateKey(kind: KeyKind, mode: Mode): string {
  return `porte_${kind === 'secret' ? 'sk' : 'pk'}_${mode}_${randomToken(32)}`;
}

export const keyPattern = /^porte_(pk|sk)_(test|live)_[0-9A-Za-z]{32}$/;

export const hashKey = (token: string): Promise<string> => sha256Hex(token);

/** What the back-office shows of a secret key after creation: its prefix and last four. */
export const keyHint = (token: string): string => `${token.slice(0, 14)}…${token.slice(-4)}`;
