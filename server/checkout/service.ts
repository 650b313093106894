import type { Deps } from '../deps.ts';
import { invalid, notFound } from '../http/errors.ts';
import { newId } from '../lib/ids.ts';
import type { Merchant } from '../merchants/repository.ts';
import { urlOnAllowedOrigin } from '../merchants/origins.ts';
import { type CheckoutOffer, loadOffer } from './offer.ts';
import { type CheckoutSession, checkoutRepository } from './repository.ts';
import type { CheckoutSessionCreate, CheckoutSessionJson } from './schema.ts';

const SESSION_TTL_MS = 24 * 60 * 60 * 1000;

export type SessionStatus = 'open' | 'complete' | 'expired';

export const effectiveStatus = (s: CheckoutSession, now: Date): SessionStatus =>
  s.status === 'complete' ? 'complete' : new Date(s.expiresAt) <= now ? 'expired' : 'open';

export const checkoutUrl = (publicUrl: string, id: string): string => `${publicUrl}/checkout/${id}`;

export function sessionJson(s: CheckoutSession, publicUrl: string, now: Date): CheckoutSessionJson {
  return {
    id: s.id,
    object: 'checkout_session',
    url: checkoutUrl(publicUrl, s.id),
    status: effectiveStatus(s, now),
    offer: s.offerId,
    customer_reference: s.customerReference,
    customer_email: s.customerEmail,
    success_url: s.successUrl,
    cancel_url: s.cancelUrl,
    locale: s.locale,
    customer: s.customerId,
    subscription: s.subscriptionId,
    expires_at: s.expiresAt,
    created_at: s.createdAt,
  };
}

export function checkoutService(deps: Deps) {
  const repo = checkoutRepository(deps.db);

  /** Used by the API, the shareable link and the widget alike. Redirect URLs must be the merchant's. */
  async function create(
    merchant: Merchant,
    input: CheckoutSessionCreate,
    source: CheckoutSession['source'],
    origin: { embedOrigin?: string; clientIp?: string | null } = {},
  ): Promise<{ session: CheckoutSession; offer: CheckoutOffer }> {
    const offer = await loadOffer(deps.db, merchant.id, input.offer);
    if (!offer) throw invalid('offer', `No such offer: ${input.offer}.`, 'resource_missing');
    for (const param of ['success_url', 'cancel_url'] as const) {
      const url = input[param];
      // Porte's own pages (the default thank-you page of shareable links) are always allowed.
      if (!url.startsWith(`${deps.config.publicUrl}/`) && !urlOnAllowedOrigin(url, merchant.allowedOrigins)) {
        throw invalid(param, `${param} must be on one of the merchant's allowed origins.`, 'url_not_allowed');
      }
    }
    const now = deps.clock();
    const session: CheckoutSession = {
      id: newId('cs'),
      merchantId: merchant.id,
      offerId: offer.id,
      customerReference: input.customer_reference ?? null,
      customerEmail: input.customer_email ?? input.prefill?.email ?? null,
      prefill: input.prefill ?? {},
      successUrl: input.success_url,
      cancelUrl: input.cancel_url,
      locale: input.locale ?? null,
      source,
      status: 'open',
      customerId: null,
      subscriptionId: null,
      gatewayState: {},
      embedOrigin: origin.embedOrigin ?? null,
      clientIp: origin.clientIp ?? null,
      expiresAt: new Date(now.getTime() + SESSION_TTL_MS).toISOString(),
      completedAt: null,
      createdAt: now.toISOString(),
    };
    await deps.db.batch([repo.insert(session)]);
    return { session, offer };
  }

  async function get(merchantId: string, id: string): Promise<CheckoutSession> {
    const session = await repo.byId(id);
    if (!session || session.merchantId !== merchantId) throw notFound('checkout session');
    return session;
  }

  return { create, get, byId: repo.byId };
}
