import type { Hono } from 'hono';
import { saleTax } from '../billing/tax.ts';
import { dueTodayView } from './first-payment.ts';
import { getCookie, setCookie } from 'hono/cookie';
import * as v from 'valibot';
import { OfferSummary } from '../../hosted-pages/checkout/summary.tsx';
import { type Locale, pickLocale, translator } from '../../hosted-pages/i18n.ts';
import type { AppEnv } from '../http/env.ts';
import { ApiError } from '../http/errors.ts';
import { sign, verifySignature } from '../lib/secrets.ts';
import { merchantRepository } from '../merchants/repository.ts';
import { loadOffer } from './offer.ts';
import { type C, clientIp, message } from './pages.tsx';
import { renderPage } from './render.ts';
import type { CheckoutSession } from './repository.ts';
import { checkoutService, effectiveStatus } from './service.ts';

/** The visitor's session of one shareable link (cookie scoped to the link's path). */
const COOKIE = 'porte_link';
const emailSchema = v.pipe(v.string(), v.email(), v.maxLength(254));

/**
 * `/subscribe/{merchant}/{offer}`, the shareable link. A GET never writes: link scanners, previews
 * and crawlers fetch links by the thousand, and each used to leave a session row behind. The GET
 * either sends the visitor back to the open session this link already gave them (cookie), or shows
 * the offer with a "Continue" form that the page submits at once (`subscribe-link.js`; a click
 * without JavaScript). The session is created by that POST, rate-limited per address like the
 * widget's, and the visitor then lands on `/checkout/{id}` exactly as before.
 */
export function linkPages(app: Hono<AppEnv>): void {
  async function resolve(c: C) {
    const { deps } = c.var;
    const locale = pickLocale(c.req.query('locale'), c.req.header('Accept-Language'));
    const merchant = await merchantRepository(deps.db).bySlug(c.req.param('merchant') ?? '');
    const offer = merchant && (await loadOffer(deps.db, merchant.id, c.req.param('offer') ?? ''));
    const email = v.safeParse(emailSchema, c.req.query('email') ?? '');
    const explicit = c.req.query('locale') === 'fr' || c.req.query('locale') === 'en' ? (c.req.query('locale') as Locale) : undefined;
    return { locale, explicit, merchant, offer, email: email.success ? email.output : undefined };
  }

  /** The open session this visitor already got from this link, if it still fits what they asked. */
  async function reusable(c: C, merchantId: string, offerId: string, email: string | undefined) {
    const id = getCookie(c, COOKIE);
    if (!id) return undefined;
    const session = await checkoutService(c.var.deps).byId(id);
    const fits =
      session?.merchantId === merchantId &&
      session.offerId === offerId &&
      session.source === 'link' &&
      (email === undefined || session.customerEmail === email) &&
      effectiveStatus(session, c.var.deps.clock()) === 'open';
    return fits ? session : undefined;
  }

  const to = (id: string, explicit: Locale | undefined) => `/checkout/${id}${explicit ? `?locale=${explicit}` : ''}`;
  const csrfMessage = (merchantId: string, offerId: string) => `${merchantId}:${offerId}`;

  app.get('/subscribe/:merchant/:offer', async (c) => {
    const { locale, explicit, merchant, offer, email } = await resolve(c);
    if (!merchant || !offer?.visible) return message(c, locale, 'not_found_title', 'not_found_body', 404);
    const existing = await reusable(c, merchant.id, offer.id, email);
    if (existing) return c.redirect(to(existing.id, explicit), 303);
    const t = translator(locale);
    const csrf = await sign(c.var.deps.db, 'subscribe-link', csrfMessage(merchant.id, offer.id));
    const query = new URL(c.req.url).search;
    return renderPage(c, {
      locale,
      title: `${offer.name} — ${merchant.name}`,
      node: (
        <main class="checkout">
          <h1 class="merchant">{merchant.name}</h1>
          <OfferSummary offer={offer} due={dueTodayView(offer, saleTax(merchant, { country: null, vatNumber: null }))} locale={locale} t={t} />
          <form method="post" action={`${c.req.path}${query}`} data-autosubmit="">
            <input type="hidden" name="csrf" value={csrf} />
            <button type="submit" class="primary">
              {t('continue')}
            </button>
          </form>
        </main>
      ),
      hydrate: { bundle: 'subscribe-link', props: undefined },
    });
  });

  app.post('/subscribe/:merchant/:offer', async (c) => {
    const { deps } = c.var;
    const { locale, explicit, merchant, offer, email } = await resolve(c);
    if (!merchant || !offer) return message(c, locale, 'not_found_title', 'not_found_body', 404);
    const body = await c.req.parseBody();
    const origin = c.req.header('Origin');
    const sameOrigin = (!origin || origin === new URL(deps.config.publicUrl).origin) && c.req.header('Sec-Fetch-Site') !== 'cross-site';
    const token = typeof body.csrf === 'string' ? body.csrf : '';
    if (!sameOrigin || !(await verifySignature(deps.db, 'subscribe-link', csrfMessage(merchant.id, offer.id), token))) {
      return message(c, locale, 'not_found_title', 'not_found_body', 403);
    }
    const existing = await reusable(c, merchant.id, offer.id, email);
    if (existing) return c.redirect(to(existing.id, explicit), 303);
    const thanks = `${deps.config.publicUrl}/checkout/thanks?locale=${locale}`;
    // The service refuses hidden offers for 'link' sessions (and rate-limits the address).
    let session: CheckoutSession;
    try {
      ({ session } = await checkoutService(deps).create(
        merchant,
        { offer: offer.id, customer_email: email, success_url: merchant.successUrl ?? thanks, cancel_url: merchant.cancelUrl ?? thanks, locale: explicit ?? locale },
        'link',
        { clientIp: clientIp(c) },
      ));
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      if (error.code === 'rate_limited') return message(c, locale, 'too_many_title', 'too_many_body', 429);
      return message(c, locale, 'not_found_title', 'not_found_body', 404);
    }
    setCookie(c, COOKIE, session.id, {
      httpOnly: true,
      sameSite: 'Lax',
      secure: deps.config.publicUrl.startsWith('https:'),
      path: c.req.path,
      maxAge: Math.max(0, Math.floor((Date.parse(session.expiresAt) - deps.clock().getTime()) / 1000)),
    });
    return c.redirect(to(session.id, explicit), 303);
  });
}
