import type { MiddlewareHandler } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { CookieOptions } from 'hono/utils/cookie';
import { sha256Hex, safeEqual } from '../lib/crypto.ts';
import { randomToken } from '../lib/ids.ts';
import { sign } from '../lib/secrets.ts';
import { environmentFor } from './environment.ts';
import type { AC, AdminEnv } from './context.ts';
import { type AdminUser, adminRepository } from './repository.ts';

export const SESSION_COOKIE = 'porte_admin';
/** Before login there is no session: this cookie's nonce, signed, is the login form's CSRF token. */
export const LOGIN_COOKIE = 'porte_admin_login';
export const SESSION_HOURS = 12;

/** HttpOnly, SameSite=Lax, scoped to /admin; Secure whenever Porte is served over https. */
export function cookieOptions(c: AC, maxAgeSeconds?: number): CookieOptions {
  return {
    httpOnly: true,
    sameSite: 'Lax',
    secure: c.var.deps.config.publicUrl.startsWith('https:'),
    path: '/admin',
    ...(maxAgeSeconds !== undefined ? { maxAge: maxAgeSeconds } : {}),
  };
}

export async function startSession(c: AC, user: AdminUser): Promise<void> {
  const { db, clock } = c.var.deps;
  const repo = adminRepository(db);
  const token = randomToken(43);
  const now = clock();
  await db.batch([
    repo.purgeSessions(now.toISOString()),
    repo.insertSession({
      tokenHash: await sha256Hex(token),
      userId: user.id,
      csrfToken: randomToken(32),
      createdAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + SESSION_HOURS * 3_600_000).toISOString(),
    }),
  ]);
  setCookie(c, SESSION_COOKIE, token, cookieOptions(c, SESSION_HOURS * 3600));
}

export async function endSession(c: AC): Promise<void> {
  const token = getCookie(c, SESSION_COOKIE);
  if (token) await adminRepository(c.var.deps.db).deleteSession(await sha256Hex(token));
  deleteCookie(c, SESSION_COOKIE, cookieOptions(c));
}

/** Loads the session and its merchant, or answers with a redirect to the login page (GET) or a 403 (POST). */
export const requireSession: MiddlewareHandler<AdminEnv> = async (c, next) => {
  const { db, clock } = c.var.deps;
  const token = getCookie(c, SESSION_COOKIE);
  const session = token ? await adminRepository(db).session(await sha256Hex(token), clock().toISOString()) : undefined;
  // The account's environment the user chose (test or live): see environment.ts.
  const merchant = session && (await environmentFor(c, session.user));
  if (!session || !merchant) {
    if (token) deleteCookie(c, SESSION_COOKIE, cookieOptions(c));
    const url = new URL(c.req.url);
    const back = c.req.method === 'GET' ? `?next=${encodeURIComponent(url.pathname + url.search)}` : '';
    return c.redirect(`/admin/login${back}`, 303);
  }
  c.set('session', session);
  c.set('merchant', merchant);
  await next();
};

/**
 * Cross-site request forgery, checked twice: the browser's own word on where the post came from
 * (Origin, else Sec-Fetch-Site) must be Porte itself, and the form must carry the expected token.
 */
export function sameOrigin(c: AC): boolean {
  const origin = c.req.header('Origin');
  if (origin) return origin === new URL(c.var.deps.config.publicUrl).origin || origin === new URL(c.req.url).origin;
  const site = c.req.header('Sec-Fetch-Site');
  return site === undefined || site === 'same-origin' || site === 'none';
}

export function csrfOk(c: AC, submitted: string): boolean {
  return sameOrigin(c) && submitted.length > 0 && safeEqual(submitted, c.var.session.csrfToken);
}

/** The login form's token: an HMAC of the nonce in the login cookie (set when the form is shown). */
export async function loginCsrfToken(c: AC): Promise<string> {
  let nonce = getCookie(c, LOGIN_COOKIE);
  if (!nonce || !/^[0-9A-Za-z]{32}$/.test(nonce)) {
    nonce = randomToken(32);
    setCookie(c, LOGIN_COOKIE, nonce, cookieOptions(c, 24 * 3600));
  }
  return sign(c.var.deps.db, 'admin-login-csrf', nonce);
}

export async function loginCsrfOk(c: AC, submitted: string): Promise<boolean> {
  const nonce = getCookie(c, LOGIN_COOKIE);
  if (!sameOrigin(c) || !nonce || !submitted) return false;
  return safeEqual(await sign(c.var.deps.db, 'admin-login-csrf', nonce), submitted);
}

/** Shows a one-time message on the next page (after a redirect). JSON: a message key and its values. */
export interface Flash {
  kind: 'ok' | 'error';
  key: string;
  vars?: Record<string, string>;
  /** A secret shown once (a new portal link, an invitation link), with a copy button… */
  secret?: string;
  /** …and the label of its field. */
  secretLabel?: string;
}

export async function setFlash(c: AC, flash: Flash): Promise<void> {
  await adminRepository(c.var.deps.db).setFlash(c.var.session.tokenHash, JSON.stringify(flash));
}

/** Reads and clears the flash: it shows once, and a reload does not show it again. */
export async function takeFlash(c: AC): Promise<Flash | undefined> {
  const raw = c.var.session.flash;
  if (!raw) return undefined;
  await adminRepository(c.var.deps.db).setFlash(c.var.session.tokenHash, null);
  try {
    return JSON.parse(raw) as Flash;
  } catch {
    return undefined;
  }
}
