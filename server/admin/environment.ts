import type { Hono } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import { accountRepository } from '../accounts/repository.ts';
import type { Merchant, Mode } from '../merchants/repository.ts';
import { ensureEnvironment } from '../merchants/service.ts';
import { merchantRepository } from '../merchants/repository.ts';
import { safeNext } from './auth-routes.tsx';
import { type AC, type AdminEnv, readForm } from './context.ts';
import type { AdminUser } from './repository.ts';
import { cookieOptions } from './session.ts';

/**
 * Which environment of the account the back-office shows. The choice is view state, like the
 * language: a cookie, set only by the CSRF-checked toggle below. Access is decided by the user's
 * account, never by the cookie: a forged cookie can only pick the other environment of one's own
 * account.
 */
export const MODE_COOKIE = 'porte_admin_mode';

/** The user's account's environment in the chosen mode (live created on first use); undefined if the user has none. */
export async function environmentFor(c: AC, user: AdminUser): Promise<Merchant | undefined> {
  const { db, clock } = c.var.deps;
  const home = await merchantRepository(db).byId(user.merchantId);
  if (!home) return undefined;
  const asked = getCookie(c, MODE_COOKIE);
  let mode: Mode;
  if (asked === 'test' || asked === 'live') mode = asked;
  else {
    // No choice made yet: an account that went live opens on live, any other on its home row.
    const account = await accountRepository(db).byId(home.accountId);
    mode = account?.liveAt ? 'live' : home.mode;
  }
  if (mode === home.mode) return home;
  return ensureEnvironment(db, clock, home, mode);
}

export function environmentRoutes(admin: Hono<AdminEnv>): void {
  // The "Test mode" toggle: behind the session and its CSRF check (registered after them).
  admin.post('/mode', async (c) => {
    const form = await readForm(c);
    const mode = form.text('mode');
    if (mode !== 'test' && mode !== 'live') return c.redirect('/admin/customers', 303);
    setCookie(c, MODE_COOKIE, mode, cookieOptions(c, 365 * 86_400));
    // A page about one record (a customer, an offer) has no twin in the other environment: go to its list.
    const next = safeNext(form.text('next'));
    const list = /^\/admin\/(customers|offers|pricing-tables|settings|team|go-live)/.exec(next)?.[0] ?? '/admin/customers';
    return c.redirect(list, 303);
  });
}
