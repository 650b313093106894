import type { Database } from '../db/port.ts';
import { hmacSha256Hex, safeEqual } from './crypto.ts';
import { randomToken } from './ids.ts';

const cache = new WeakMap<Database, Promise<string>>();

/**
 * The installation's signing secret: generated once, kept in the database so every Node process
 * and every Worker isolate signs alike without any configuration.
 */
export function signingSecret(db: Database): Promise<string> {
  let secret = cache.get(db);
  if (!secret) {
    secret = (async () => {
      await db.run('INSERT OR IGNORE INTO secrets (name, value, created_at) VALUES (?, ?, ?)', [
        'signing',
        randomToken(48),
        new Date().toISOString(),
      ]);
      const row = await db.get<{ value: string }>("SELECT value FROM secrets WHERE name = 'signing'");
      if (!row) throw new Error('signing secret missing');
      return row.value;
    })();
    secret.catch(() => cache.delete(db));
    cache.set(db, secret);
  }
  return secret;
}

/** A purpose-bound MAC: a token for one purpose can never be replayed for another. */
export async function sign(db: Database, purpose: string, message: string): Promise<string> {
  return hmacSha256Hex(await signingSecret(db), `${purpose}\n${message}`);
}

export async function verifySignature(db: Database, purpose: string, message: string, mac: string): Promise<boolean> {
  return safeEqual(await sign(db, purpose, message), mac);
}
