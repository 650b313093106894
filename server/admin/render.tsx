import type { VNode } from 'preact';
import { renderToString } from 'preact-render-to-string';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { renderAdminDocument } from '../../hosted-pages/admin/document.ts';
import { type AdminKey, type AdminLocale, type AdminT, adminTranslator, isAdminKey } from '../../hosted-pages/admin/i18n.ts';
import { type FlashView, LangSwitch, Layout, type NavKey, type Shell } from '../../hosted-pages/admin/ui.tsx';
import { contentSecurityPolicy, newNonce } from '../http/csp.ts';
import type { AC } from './context.ts';
import { type Flash, takeFlash } from './session.ts';

export const tr = (c: AC): AdminT => adminTranslator(c.var.locale);

/** The current page in each language: the same URL with `locale=` set (the choice is then remembered in a cookie). */
export function langHrefs(c: AC): Record<AdminLocale, string> {
  const url = new URL(c.req.url);
  const href = (locale: AdminLocale) => {
    const params = new URLSearchParams(url.search);
    params.set('locale', locale);
    return `${url.pathname}?${params.toString()}`;
  };
  return { en: href('en'), fr: href('fr') };
}

function flashView(t: AdminT, flash: Flash | undefined): FlashView | undefined {
  if (!flash || !isAdminKey(flash.key)) return undefined;
  const label = flash.secretLabel && isAdminKey(flash.secretLabel) ? t(flash.secretLabel) : undefined;
  return { kind: flash.kind, text: t(flash.key as AdminKey, flash.vars), secret: flash.secret, secretLabel: label };
}

/** Everything the signed-in layout needs; reads (and so spends) the pending flash message. */
export async function shellOf(c: AC, nav?: NavKey): Promise<Shell> {
  const { session, merchant, locale } = c.var;
  const t = tr(c);
  return {
    locale,
    t,
    csrf: session.csrfToken,
    user: { email: session.user.email, role: session.user.role },
    merchant: { name: merchant.name, mode: merchant.mode },
    nav,
    langHref: langHrefs(c),
    flash: flashView(t, await takeFlash(c)),
    path: new URL(c.req.url).pathname,
  };
}

/**
 * Sends a back-office page: a fresh nonce, a CSP that allows nothing but that nonce and our own
 * origin for forms, no framing at all (clickjacking on destructive buttons), and no caching.
 */
export async function send(c: AC, o: { title: string; node: VNode | ((nonce: string) => VNode); status?: ContentfulStatusCode; script?: boolean }): Promise<Response> {
  const nonce = newNonce();
  const t = tr(c);
  c.header('Content-Security-Policy', contentSecurityPolicy(nonce, {}));
  c.header('X-Frame-Options', 'DENY');
  c.header('Cache-Control', 'no-store');
  const document = await renderAdminDocument({
    locale: c.var.locale,
    title: `${o.title} — ${t('app_name')}`,
    nonce,
    body: renderToString(typeof o.node === 'function' ? o.node(nonce) : o.node),
    script: o.script ?? false,
  });
  return c.html(document, o.status ?? 200);
}

/** A signed-in page inside the layout. `body` may take the nonce (for a style inside a shadow root). */
export async function page(c: AC, o: { title: string; nav?: NavKey; body: VNode | ((nonce: string) => VNode); heading?: VNode; status?: ContentfulStatusCode }): Promise<Response> {
  const shell = await shellOf(c, o.nav);
  return send(c, {
    title: o.title,
    status: o.status,
    // admin.js only drives copy buttons: load it only where one may appear.
    script: true,
    node: (nonce) => (
      <Layout shell={shell} title={o.title} heading={o.heading}>
        {typeof o.body === 'function' ? o.body(nonce) : o.body}
      </Layout>
    ),
  });
}

/** A page outside the layout (login, invitation, refusals): a centred card with the language switcher. */
export function plain(c: AC, o: { title: string; body: VNode; status?: ContentfulStatusCode }): Promise<Response> {
  const t = tr(c);
  return send(c, {
    title: o.title,
    status: o.status,
    node: (
      <main id="main" class="center">
        <p class="brand">{t('app_name')}</p>
        <div class="card">
          <h1>{o.title}</h1>
          {o.body}
        </div>
        <LangSwitch locale={c.var.locale} hrefs={langHrefs(c)} label={t('language')} />
      </main>
    ),
  });
}

/** Refusals and missing pages, in words: the back-office never answers a browser with JSON. */
export function message(c: AC, title: AdminKey, body: AdminKey, status: ContentfulStatusCode, link?: { href: string; label: AdminKey }): Promise<Response> {
  const t = tr(c);
  return plain(c, {
    title: t(title),
    status,
    body: (
      <>
        <p>{t(body)}</p>
        {link && <p><a href={link.href}>{t(link.label)}</a></p>}
      </>
    ),
  });
}
