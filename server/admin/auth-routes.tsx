import type { Hono } from 'hono';
import { deleteCookie, getCookie } from 'hono/cookie';
import * as v from 'valibot';
import { LoginForm, type LoginView, SetPasswordForm, TeamPage } from '../../hosted-pages/admin/AuthPages.tsx';
import type { Errors } from '../../hosted-pages/admin/ui.tsx';
import { emailSchema } from '../customers/schema.ts';
import { UniqueViolation } from '../db/port.ts';
import { hashPassword, PBKDF2_DEFAULT_ITERATIONS, sha256Hex } from '../lib/crypto.ts';
import { newId, randomToken } from '../lib/ids.ts';
import { type AC, type AdminEnv, clientIp, readForm } from './context.ts';
import { formatDateTime } from './format.ts';
import { attemptLogin } from './login.ts';
import { message, page, plain, tr } from './render.tsx';
import { adminRepository, UNUSABLE_PASSWORD } from './repository.ts';
import { cookieOptions, endSession, LOGIN_COOKIE, loginCsrfOk, loginCsrfToken, SESSION_COOKIE, setFlash, startSession } from './session.ts';

const INVITATION_DAYS = 7;
const MIN_PASSWORD = 12;

/** Only back-office paths: never `//host` or `/\host` (another site to browsers), nor `..` out of /admin. */
export const safeNext = (next: string): string =>
  /^\/admin(\/[\w\-./%?=&+~]*)?$/.test(next) && !next.includes('//') && !next.includes('..') ? next : '/admin/customers';

async function renderLogin(c: AC, view: Omit<LoginView, 't' | 'csrf'>, status: 200 | 401 | 429 = 200): Promise<Response> {
  const t = tr(c);
  const csrf = await loginCsrfToken(c);
  return plain(c, { title: t('login_title'), status, body: <LoginForm view={{ ...view, t, csrf }} /> });
}

/** The runtime's password hashing cost (see Config.passwordIterations). */
const passwordCost = (c: AC): number => c.var.deps.config.passwordIterations ?? PBKDF2_DEFAULT_ITERATIONS;

/** "45 seconds", "2 minutes", "1 hour": how long to wait, rounded up. */
function waitText(t: ReturnType<typeof tr>, seconds: number): string {
  if (seconds < 90) return t('wait_seconds', { n: seconds });
  if (seconds < 5400) return t('wait_minutes', { n: Math.ceil(seconds / 60) });
  return t('wait_hours', { n: Math.ceil(seconds / 3600) });
}

export const forbidden = (c: AC) => message(c, 'forbidden_title', 'forbidden_body', 403);

/** Members manage customers and offers; keys, gateway and the team are the owner's. */
export const ownerOnly = (c: AC): Promise<Response> | undefined =>
  c.var.session.user.role === 'owner' ? undefined : message(c, 'nav_settings', 'owner_only', 403);

/** Login, logout and invitations: the routes that work without a session. */
export function publicAuthRoutes(admin: Hono<AdminEnv>): void {
  admin.get('/login', async (c) => {
    if (getCookie(c, SESSION_COOKIE) && c.req.query('bye') === undefined) {
      const session = await adminRepository(c.var.deps.db).session(await sha256Hex(getCookie(c, SESSION_COOKIE) ?? ''), c.var.deps.clock().toISOString());
      if (session) return c.redirect(safeNext(c.req.query('next') ?? ''), 303);
    }
    const t = tr(c);
    const notice = c.req.query('bye') !== undefined ? { kind: 'ok' as const, text: t('logged_out') } : undefined;
    return renderLogin(c, { email: '', next: safeNext(c.req.query('next') ?? ''), notice });
  });

  admin.post('/login', async (c) => {
    const form = await readForm(c);
    if (!(await loginCsrfOk(c, form.text('_csrf')))) return forbidden(c);
    const t = tr(c);
    const email = form.text('email');
    const next = safeNext(form.text('next'));
    const { db, clock } = c.var.deps;
    const outcome = await attemptLogin(db, clock, { email, password: form.all('password')[0] ?? '', ip: clientIp(c), iterations: passwordCost(c) });
    if (outcome.kind === 'ok') {
      await startSession(c, outcome.user);
      deleteCookie(c, LOGIN_COOKIE, cookieOptions(c));
      return c.redirect(next, 303);
    }
    if (!outcome.retryAt) return renderLogin(c, { email, next, notice: { kind: 'error', text: t('login_wrong') } }, 401);
    // 429 + Retry-After whenever the next try must wait, saying how long in words too.
    const seconds = Math.max(1, Math.ceil((outcome.retryAt.getTime() - clock().getTime()) / 1000));
    c.header('Retry-After', String(seconds));
    const vars = { wait: waitText(t, seconds), time: formatDateTime(c.var.locale, outcome.retryAt.toISOString()) };
    const text = outcome.kind === 'wrong' ? `${t('login_wrong')} ${t('login_wait', vars)}` : t('login_throttled', vars);
    return renderLogin(c, { email, next, notice: { kind: 'error', text } }, 429);
  });

  admin.get('/invite/:token', async (c) => {
    const { db, clock } = c.var.deps;
    const token = c.req.param('token');
    const user = await adminRepository(db).invitation(await sha256Hex(token), clock().toISOString());
    if (!user) return message(c, 'invite_invalid_title', 'invite_invalid_body', 410);
    return renderInvite(c, token, user.email, {});
  });

  admin.post('/invite/:token', async (c) => {
    const form = await readForm(c);
    if (!(await loginCsrfOk(c, form.text('_csrf')))) return forbidden(c);
    const { db, clock } = c.var.deps;
    const token = c.req.param('token');
    const tokenHash = await sha256Hex(token);
    const repo = adminRepository(db);
    const user = await repo.invitation(tokenHash, clock().toISOString());
    if (!user) return message(c, 'invite_invalid_title', 'invite_invalid_body', 410);
    const password = form.all('password')[0] ?? '';
    const errors: Errors = {};
    if (password.length < MIN_PASSWORD || password.length > 200) errors.password = 'password_short';
    else if (password !== (form.all('password_confirm')[0] ?? '')) errors.password_confirm = 'password_mismatch';
    if (Object.keys(errors).length > 0) return renderInvite(c, token, user.email, errors, 400);
    const [updated] = await db.batch(repo.acceptInvitation(tokenHash, user.id, await hashPassword(password, passwordCost(c)), clock().toISOString()));
    if (!updated || updated.changes === 0) return message(c, 'invite_invalid_title', 'invite_invalid_body', 410);
    await startSession(c, user);
    deleteCookie(c, LOGIN_COOKIE, cookieOptions(c));
    return c.redirect('/admin/customers', 303);
  });
}

async function renderInvite(c: AC, token: string, email: string, errors: Errors, status: 200 | 400 = 200): Promise<Response> {
  const t = tr(c);
  const merchant = await c.var.deps.db.get<{ name: string }>('SELECT m.name FROM users u JOIN merchants m ON m.id = u.merchant_id WHERE u.email = ?', [email]);
  const csrf = await loginCsrfToken(c);
  const intro = t('invite_intro', { merchant: merchant?.name ?? '', email });
  return plain(c, { title: t('invite_title'), status, body: <SetPasswordForm t={t} action={`/admin/invite/${encodeURIComponent(token)}`} csrf={csrf} intro={intro} errors={errors} /> });
}

/** Logout and the team page: behind the session (and its CSRF check). */
export function sessionAuthRoutes(admin: Hono<AdminEnv>): void {
  admin.post('/logout', async (c) => {
    await endSession(c);
    return c.redirect('/admin/login?bye', 303);
  });

  const team = async (c: AC, email = '', errors: Errors = {}, status: 200 | 400 = 200) => {
    const t = tr(c);
    const users = await adminRepository(c.var.deps.db).users(c.var.merchant.id);
    return page(c, { title: t('team_title'), nav: 'team', status, body: <TeamPage view={{ t, csrf: c.var.session.csrfToken, users, email, errors }} /> });
  };

  admin.get('/team', (c) => ownerOnly(c) ?? team(c));

  admin.post('/team/invite', async (c) => {
    const refused = ownerOnly(c);
    if (refused) return refused;
    const form = await readForm(c);
    const email = form.text('email');
    const parsed = v.safeParse(emailSchema, email);
    if (!email) return team(c, email, { email: 'required' }, 400);
    if (!parsed.success) return team(c, email, { email: 'email_invalid' }, 400);
    const { db, clock, config } = c.var.deps;
    const repo = adminRepository(db);
    const now = clock();
    const token = randomToken(43);
    const userId = newId('usr');
    try {
      await db.batch([
        repo.insertUser({ id: userId, merchantId: c.var.merchant.id, email: parsed.output.toLowerCase(), role: 'member', passwordHash: UNUSABLE_PASSWORD, createdAt: now.toISOString() }),
        repo.insertInvitation({
          tokenHash: await sha256Hex(token),
          merchantId: c.var.merchant.id,
          userId,
          invitedBy: c.var.session.user.id,
          createdAt: now.toISOString(),
          expiresAt: new Date(now.getTime() + INVITATION_DAYS * 86_400_000).toISOString(),
        }),
      ]);
    } catch (error) {
      if (error instanceof UniqueViolation) return team(c, email, { email: 'email_taken' }, 400);
      throw error;
    }
    await setFlash(c, { kind: 'ok', key: 'invite_created', vars: { email: parsed.output }, secret: `${config.publicUrl}/admin/invite/${token}`, secretLabel: 'invite_link' });
    return c.redirect('/admin/team', 303);
  });
}
