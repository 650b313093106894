import { customerRepository } from '../customers/repository.ts';
import type { Deps } from '../deps.ts';
import { ApiError, conflict, invalid, notFound } from '../http/errors.ts';
import { newId } from '../lib/ids.ts';
import type { Merchant } from '../merchants/repository.ts';
import { urlOnAllowedOrigin } from '../merchants/origins.ts';
import { type CheckoutOffer, loadOffer } from './offer.ts';
import { type CheckoutSession, checkoutRepository } from './repository.ts';
import type { CheckoutSessionCreate, CheckoutSessionJson } from './schema.ts';

const SESSION_TTL_MS = 24 * 60 * 60 * 1000;

/** Sessions one visitor's address may open per minute (widget, shareable links): enough for people, too few for scripts. */
export const SESSIONS_PER_MINUTE = 20;

/** Where a session comes from, as far as the HTTP layer knows it. */
export interface SessionOrigin {
  /** The merchant page's origin (widget): the only target of the page's messages. */
  embedOrigin?: string;
  clientIp?: string | null;
  /** The widget checked `customer.hash` against the reference (the API's secret key vouches by itself). */
  hashVerified?: boolean;
}

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

/** GDPR erasure is final: the erased record is never reused, and its reference never reattached. */
export const anonymizedReference = (reference: string): ApiError =>
  conflict(
    'customer_anonymized',
    `The customer with reference ${reference} was anonymized: its reference cannot be used for a new checkout.`,
    'customer_reference',
  );

export function checkoutService(deps: Deps) {
  const repo = checkoutRepository(deps.db);

  /**
   * Used by the API, the shareable link and the widget alike, so every rule about what may be sold
   * to whom lives here once: redirect URLs must be the merchant's, a hidden offer is sold only
   * through a session the merchant's server creates (secret key), an anonymized customer's
   * reference is never reattached, and public sources are rate-limited per address.
   */
  async function create(
    merchant: Merchant,
    input: CheckoutSessionCreate,
    source: CheckoutSession['source'],
    origin: SessionOrigin = {},
  ): Promise<{ session: CheckoutSession; offer: CheckoutOffer }> {
    const offer = await loadOffer(deps.db, merchant.id, input.offer);
    // Public callers cannot tell a hidden offer from a missing one: the message says why either may fail.
    if (!offer || (!offer.visible && source !== 'api')) {
      const hint = source === 'api' ? '' : ' Hidden offers (visible: false) can be sold only through checkout sessions created with a secret key.';
      throw invalid('offer', `No such offer: ${input.offer}.${hint}`, 'resource_missing');
    }
    for (const param of ['success_url', 'cancel_url'] as const) {
      const url = input[param];
      // Porte's own pages (the default thank-you page of shareable links) are always allowed.
      if (!url.startsWith(`${deps.config.publicUrl}/`) && !urlOnAllowedOrigin(url, merchant.allowedOrigins)) {
        throw invalid(param, `${param} must be on one of the merchant's allowed origins.`, 'url_not_allowed');
      }
    }
    if (input.customer_reference) {
      const known = await customerRepository(deps.db).byReference(merchant.id, input.customer_reference);
      if (known?.status === 'anonymized') throw anonymizedReference(input.customer_reference);
    }
    const now = deps.clock();
    const session: CheckoutSession = {
      id: newId('cs'),
      merchantId: merchant.id,
      offerId: offer.id,
      customerReference: input.customer_reference ?? null,
      customerEmail: input.customer_email ?? input.prefill?.email ?? null,
      customerHashVerified: Boolean(input.customer_reference) && (source === 'api' || origin.hashVerified === true),
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
    // Public sources: at most SESSIONS_PER_MINUTE per address, counted by the insert itself.
    const limit = source === 'api' ? undefined : { since: new Date(now.getTime() - 60_000).toISOString(), max: SESSIONS_PER_MINUTE };
    const [written] = await deps.db.batch([repo.insert(session, limit)]);
    if (limit && written?.changes === 0) {
      throw new ApiError(429, 'invalid_request_error', 'rate_limited', 'Too many checkout attempts from this address; wait a minute.');
    }
    return { session, offer };
  }

  async function get(merchantId: string, id: string): Promise<CheckoutSession> {
    const session = await repo.byId(id);
    if (!session || session.merchantId !== merchantId) throw notFound('checkout session');
    return session;
  }

  return { create, get, byId: repo.byId };
}
