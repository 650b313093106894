import { Hono, type MiddlewareHandler } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import { jsonLogger } from '../deps.ts';
import { loggedPath } from '../http/log-path.ts';
import { type AdminLocale, pickLocale } from '../../hosted-pages/admin/i18n.ts';
import { forbidden, publicAuthRoutes, sessionAuthRoutes } from './auth-routes.tsx';
import type { AdminEnv } from './context.ts';
import { readForm } from './context.ts';
import { customerActionRoutes } from './customer-actions.ts';
import { customerRoutes } from './customer-routes.tsx';
import { customerBillingRoutes } from './customer-billing-routes.tsx';
import { invoiceRoutes } from './invoice-routes.tsx';
import { offerRoutes } from './offer-routes.tsx';
import { message } from './render.tsx';
import { cookieOptions, csrfOk, requireSession } from './session.ts';
import { settingsRoutes } from './settings-routes.tsx';
import { tableRoutes } from './table-routes.tsx';

const LOCALE_COOKIE = 'porte_admin_locale';

/** `?locale=` wins and is remembered (cookie); then the remembered choice; then Accept-Language. */
const locale: MiddlewareHandler<AdminEnv> = async (c, next) => {
  const asked = c.req.query('locale');
  let chosen: AdminLocale;
  if (asked === 'en' || asked === 'fr') {
    chosen = asked;
    setCookie(c, LOCALE_COOKIE, asked, cookieOptions(c, 365 * 86_400));
  } else {
    const remembered = getCookie(c, LOCALE_COOKIE);
    chosen = remembered === 'en' || remembered === 'fr' ? remembered : pickLocale(null, c.req.header('Accept-Language'));
  }
  c.set('locale', chosen);
  await next();
};

/** Every POST behind the session carries the session's token and comes from Porte's own pages. */
const csrf: MiddlewareHandler<AdminEnv> = async (c, next) => {
  if (c.req.method !== 'GET' && c.req.method !== 'HEAD') {
    const form = await readForm(c);
    if (!csrfOk(c, form.text('_csrf'))) return forbidden(c);
  }
  await next();
};

/** The merchant back-office, mounted at /admin: server-rendered pages and plain HTML forms. */
export function adminApp(): Hono<AdminEnv> {
  const admin = new Hono<AdminEnv>();
  admin.use(locale);
  // Body size: limited for the whole app in app.ts (http/body-limit.ts).
  admin.onError((error, c) => {
    (c.var.deps.log ?? jsonLogger)({ level: 'error', msg: 'unhandled error', request_id: c.var.requestId, method: c.req.method, path: loggedPath(c), error: String(error instanceof Error ? (error.stack ?? error.message) : error) });
    return message(c, 'error_title', 'error_body', 500);
  });

  publicAuthRoutes(admin);
  // Everything below needs a session; handlers above answered already, so they never get here.
  admin.use(requireSession, csrf);
  admin.get('/', (c) => c.redirect('/admin/customers', 303));
  sessionAuthRoutes(admin);
  customerRoutes(admin);
  customerActionRoutes(admin);
  customerBillingRoutes(admin);
  invoiceRoutes(admin);
  offerRoutes(admin);
  tableRoutes(admin);
  settingsRoutes(admin);
  admin.all('*', (c) => message(c, 'not_found_title', 'not_found_body', 404, { href: '/admin/customers', label: 'back_to_list' }));
  return admin;
}
