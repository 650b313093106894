import { createHash, createHmac } from 'node:crypto';

const encoder = new TextEncoder();

export const toHex = (buffer: ArrayBuffer): string =>
  Array.from(new Uint8Array(buffer), (b) => b.toString(16).padStart(2, '0')).join('');

// SHA-256 and HMAC through node:crypto (Node, and Workers with nodejs_compat): synchronous and a
// few µs for these short inputs, where WebCrypto's promise hops to the thread pool and back (the
// HMAC of the checkout's CSRF check was ~9% of a checkout POST's profile). The async signatures
// stay, so callers do not care which runtime computes them.
export async function sha256Hex(text: string): Promise<string> {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

export async function hmacSha256Hex(secret: string, message: string): Promise<string> {
  return createHmac('sha256', secret).update(message, 'utf8').digest('hex');
}

/** Constant-time comparison of two strings of hex or base64url. */
export function safeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

/**
 * Passwords: PBKDF2-SHA256 through WebCrypto, slow on purpose and available on Workers where
 * scrypt/argon2 are not. Stored as `pbkdf2-sha256$<iterations>$<salt hex>$<hash hex>`, so the cost
 * can rise without breaking old hashes: the older `pbkdf2$…` format (SHA-256 as well) still verifies.
 * The cost is the runtime's to choose (Config.passwordIterations): OWASP asks 600k for
 * PBKDF2-SHA256, Node gives it; Workers refuses more than 100k, which is also the default here.
 */
export const PBKDF2_DEFAULT_ITERATIONS = 100_000;
const SCHEME = 'pbkdf2-sha256';
const LEGACY_SCHEME = 'pbkdf2';
// A stored value is ours, but a tampered database must not turn a login into a CPU sink.
const MAX_ITERATIONS = 10_000_000;

async function pbkdf2(password: string, salt: Uint8Array<ArrayBuffer>, iterations: number): Promise<string> {
  const key = await crypto.subtle.importKey('raw', encoder.encode(password), 'PBKDF2', false, ['deriveBits']);
  const bits = await crypto.subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt, iterations }, key, 256);
  return toHex(bits);
}

export async function hashPassword(password: string, iterations = PBKDF2_DEFAULT_ITERATIONS): Promise<string> {
  const salt = crypto.getRandomValues(new Uint8Array(16));
  return `${SCHEME}$${iterations}$${toHex(salt.buffer)}$${await pbkdf2(password, salt, iterations)}`;
}

interface ParsedHash {
  scheme: string;
  iterations: number;
  salt: Uint8Array<ArrayBuffer>;
  hash: string;
}

function parseHash(stored: string): ParsedHash | undefined {
  const [scheme = '', iterations = '', saltHex = '', hash = '', ...rest] = stored.split('$');
  const count = Number(iterations);
  if ((scheme !== SCHEME && scheme !== LEGACY_SCHEME) || rest.length > 0) return undefined;
  if (!Number.isSafeInteger(count) || count < 1 || count > MAX_ITERATIONS) return undefined;
  if (!/^(?:[0-9a-f]{2})+$/.test(saltHex) || !/^[0-9a-f]{64}$/.test(hash)) return undefined;
  const salt = new Uint8Array(saltHex.match(/../g)?.map((h) => Number.parseInt(h, 16)) ?? []);
  return { scheme, iterations: count, salt, hash };
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parseHash(stored);
  if (!parsed) return false;
  return safeEqual(await pbkdf2(password, parsed.salt, parsed.iterations), parsed.hash);
}

/** True when a hash that just verified should be stored again: an older format or a lower cost. */
export function passwordNeedsRehash(stored: string, iterations: number): boolean {
  const parsed = parseHash(stored);
  return parsed !== undefined && (parsed.scheme !== SCHEME || parsed.iterations < iterations);
}
