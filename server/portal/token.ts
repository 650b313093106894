import type { Database } from '../db/port.ts';
import { safeEqual } from '../lib/crypto.ts';
import { sign } from '../lib/secrets.ts';

/**
 * Compact signed strings for the portal: `base64url(JSON) + "." + base64url(HMAC-SHA256)`.
 * The MAC comes from the installation's signing secret (`sign`), bound to a purpose so a value
 * signed for one use (a link, a pending card, a Stripe state) is never accepted for another.
 */
const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

export function toBase64Url(bytes: Uint8Array): string {
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export function fromBase64Url(text: string): Uint8Array | undefined {
  if (!/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) return undefined;
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(text.length / 4) * 4, '='));
  return Uint8Array.from(binary, (ch) => ch.charCodeAt(0));
}

const hexToBase64Url = (hex: string): string => toBase64Url(Uint8Array.from(hex.match(/../g) ?? [], (h) => Number.parseInt(h, 16)));

/** 43 characters: the 32-byte HMAC in base64url rather than 64 hex digits, for shorter links. */
export async function mac(db: Database, purpose: string, message: string): Promise<string> {
  return hexToBase64Url(await sign(db, purpose, message));
}

/** Constant-time check (safeEqual), so the time taken reveals nothing about the right MAC. */
export async function macOk(db: Database, purpose: string, message: string, candidate: string): Promise<boolean> {
  return safeEqual(await mac(db, purpose, message), candidate);
}

const SHAPE = /^([A-Za-z0-9_-]{1,2000})\.([A-Za-z0-9_-]{43})$/;

/** Seals `data` for `purpose`, bound to `context` (the portal token) when given. */
export async function seal(db: Database, purpose: string, data: unknown, context = ''): Promise<string> {
  const payload = toBase64Url(encoder.encode(JSON.stringify(data)));
  return `${payload}.${await mac(db, purpose, `${context}\n${payload}`)}`;
}

/**
 * The sealed data, or undefined when the string is malformed or its MAC does not check out. The
 * MAC is verified before the payload is even decoded: nothing from a forged value is ever parsed.
 */
export async function unseal(db: Database, purpose: string, sealed: string, context = ''): Promise<unknown> {
  const m = SHAPE.exec(sealed);
  if (!m?.[1] || !m[2]) return undefined;
  if (!(await macOk(db, purpose, `${context}\n${m[1]}`, m[2]))) return undefined;
  const bytes = fromBase64Url(m[1]);
  if (!bytes) return undefined;
  try {
    return JSON.parse(decoder.decode(bytes)) as unknown;
  } catch {
    return undefined;
  }
}
