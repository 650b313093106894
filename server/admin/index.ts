import { Hono, type MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { getCookie, setCookie } from 'hono/cookie';
import { type AdminLocale, pickLocale } from '../../hosted-pages/admin/i18n.ts';
import { forbidden, publicAuthRoutes, sessionAuthRoutes } from './auth-routes.tsx';
import type { AdminEnv } from './context.ts';
import { readForm } from './context.ts';
import { customerActionRoutes } from './customer-actions.ts';
import { customerRoutes } from './customer-routes.tsx';
import { environmentRoutes } from './environment.ts';
import { offerRoutes } from './offer-routes.tsx';
import { message } from './render.tsx';
import { cookieOptions, csrfOk, requireSession } from './session.ts';
import { LOGO_MAX_BYTES } from '../accounts/checks.ts';
import { goLiveRoutes } from './go-live-routes.tsx';
import { profileRoutes } from './profile-routes.tsx';
import { settingsRoutes } from './settings-routes.tsx';
import { setupRoutes } from './setup-routes.tsx';
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
  // Forms are small; the logo upload alone may carry up to 256 KB (plus multipart framing).
  const formLimit = bodyLimit({ maxSize: 64 * 1024, onError: (c) => message(c, 'error_title', 'error_body', 413) });
  const logoLimit = bodyLimit({ maxSize: LOGO_MAX_BYTES + 16 * 1024, onError: (c) => message(c, 'logo', 'logo_too_big', 413) });
  admin.use((c, next) => (c.req.path === '/admin/settings/logo' ? logoLimit(c, next) : formLimit(c, next)));
  admin.onError((error, c) => {
    console.error(JSON.stringify({ level: 'error', request_id: c.var.requestId, method: c.req.method, path: c.req.path, error: String(error instanceof Error ? (error.stack ?? error.message) : error) }));
    return message(c, 'error_title', 'error_body', 500);
  });

  publicAuthRoutes(admin);
  setupRoutes(admin);
  // Everything below needs a session; handlers above answered already, so they never get here.
  admin.use(requireSession, csrf);
  admin.get('/', (c) => c.redirect('/admin/customers', 303));
  sessionAuthRoutes(admin);
  environmentRoutes(admin);
  customerRoutes(admin);
  customerActionRoutes(admin);
  offerRoutes(admin);
  tableRoutes(admin);
  settingsRoutes(admin);
  profileRoutes(admin);
  goLiveRoutes(admin);
  admin.all('*', (c) => message(c, 'not_found_title', 'not_found_body', 404, { href: '/admin/customers', label: 'back_to_list' }));
  return admin;
}
