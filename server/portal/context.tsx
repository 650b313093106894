import type { Context } from 'hono';
import * as v from 'valibot';
import { type Locale, pickLocale } from '../../hosted-pages/i18n.ts';
import { MessagePage } from '../../hosted-pages/MessagePage.tsx';
import { isPortalMessage, type PortalMessage, portalTranslator } from '../../hosted-pages/portal/i18n.ts';
import { renderPage } from '../checkout/render.ts';
import type { Customer } from '../customers/repository.ts';
import type { AppEnv } from '../http/env.ts';
import type { Merchant } from '../merchants/repository.ts';
import { type LinkClaims, resolvePortalToken } from './links.ts';
import { mac, macOk } from './token.ts';

export type C = Context<AppEnv>;

/** A portal request whose link checked out: the customer and merchant it opens, in its language. */
export interface Portal {
  token: string;
  claims: LinkClaims;
  customer: Customer;
  merchant: Merchant;
  locale: Locale;
}

const explicitLocale = (c: C): Locale | null => {
  const q = c.req.query('locale');
  return q === 'en' || q === 'fr' ? q : null;
};

/** `?locale=` wins, then the link's own locale, then Accept-Language, then the customer's language. */
export function portalLocale(c: C, claims: LinkClaims | null, customer?: Customer): Locale {
  const accept = c.req.header('Accept-Language');
  const fromHeader = (accept ?? '').split(',').some((p) => /^\s*(en|fr)\b/i.test(p)) ? pickLocale(null, accept) : null;
  return explicitLocale(c) ?? claims?.locale ?? fromHeader ?? customer?.language ?? 'en';
}

/** Where a portal page or form lives, always with the page's language so a post keeps it. */
export const portalHref = (p: Pick<Portal, 'token' | 'locale'>, path = '', extra: Record<string, string> = {}): string =>
  `/portal/${p.token}${path}?${new URLSearchParams({ locale: p.locale, ...extra }).toString()}`;

/** The portal is never framed: `frame-ancestors 'none'` (the CSP's default), forms post to itself only. */
export function portalMessage(c: C, locale: Locale, title: PortalMessage, body: PortalMessage, status: 200 | 403 | 404 | 410 | 503, back?: string) {
  const t = portalTranslator(locale);
  return renderPage(c, {
    locale,
    title: t(title),
    status,
    node: MessagePage({
      title: t(title),
      body: t(body),
      children: back ? <a class="button" href={back}>{t('back_to_account')}</a> : undefined,
    }),
  });
}

/** Resolves the link in the path, or answers with the 410 (expired) or 403 (anything else) page. */
export async function openPortal(c: C): Promise<Portal | Response> {
  const token = c.req.param('token') ?? '';
  const resolved = await resolvePortalToken(c.var.deps, token);
  if (resolved.kind === 'ok') {
    const { claims, customer, merchant } = resolved;
    return { token, claims, customer, merchant, locale: portalLocale(c, claims, customer) };
  }
  const locale = portalLocale(c, resolved.claims);
  return resolved.kind === 'expired'
    ? portalMessage(c, locale, 'link_expired_title', 'link_expired_body', 410)
    : portalMessage(c, locale, 'link_invalid_title', 'link_invalid_body', 403);
}

export type FormPurpose = 'payment' | 'address' | 'cancel' | 'resume' | 'challenge';

/** A CSRF token per link and per form: HMAC of the portal token and the form's purpose. */
export const csrfToken = (c: C, p: Portal, purpose: FormPurpose): Promise<string> => mac(c.var.deps.db, 'portal-csrf', `${purpose}\n${p.token}`);

/** The post must carry this form's token and come from our own origin (as checkout's csrfOk). */
export async function csrfOk(c: C, p: Portal, purpose: FormPurpose, token: string): Promise<boolean> {
  const origin = c.req.header('Origin');
  if (origin && origin !== new URL(c.var.deps.config.publicUrl).origin && origin !== new URL(c.req.url).origin) return false;
  if (c.req.header('Sec-Fetch-Site') === 'cross-site') return false;
  return macOk(c.var.deps.db, 'portal-csrf', `${purpose}\n${p.token}`, token);
}

export const clientIp = (c: C): string | null => c.req.header('x-porte-client-ip') ?? null;

/**
 * Reads a posted form: string fields only, every field checked (not just the first), each error
 * a message key shown beside its field.
 */
export async function readForm<S extends v.GenericSchema>(
  c: C,
  schema: S,
): Promise<{ raw: Record<string, string>; output: v.InferOutput<S> | null; errors: Partial<Record<string, PortalMessage>> }> {
  const body = await c.req.parseBody();
  const raw = Object.fromEntries(Object.entries(body).filter((e): e is [string, string] => typeof e[1] === 'string'));
  const parsed = v.safeParse(schema, raw);
  if (parsed.success) return { raw, output: parsed.output, errors: {} };
  const errors: Partial<Record<string, PortalMessage>> = {};
  for (const issue of parsed.issues) {
    const key = issue.path?.[0]?.key;
    if (typeof key === 'string' && !errors[key]) errors[key] = isPortalMessage(issue.message) ? issue.message : 'fix_errors';
  }
  return { raw, output: null, errors };
}
