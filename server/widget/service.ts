import { loadOffer } from '../checkout/offer.ts';
import { checkoutService } from '../checkout/service.ts';
import { customerRepository } from '../customers/repository.ts';
import type { Deps } from '../deps.ts';
import { ApiError, invalid } from '../http/errors.ts';
import { hmacSha256Hex, safeEqual } from '../lib/crypto.ts';
import type { Merchant } from '../merchants/repository.ts';
import { urlOnAllowedOrigin } from '../merchants/origins.ts';
import { subscriptionRepository } from '../subscriptions/repository.ts';
import type { WidgetSessionCreate } from './schema.ts';

/**
 * `data-customer-hash` = hex HMAC-SHA256(reference, embed secret), computed on the merchant's
 * server: proof that the page was allowed to speak for that customer. Required in live mode.
 */
export async function verifyIdentity(
  merchant: Merchant,
  customer: WidgetSessionCreate['customer'],
): Promise<{ reference: string | undefined; verified: boolean }> {
  if (!customer?.reference) return { reference: undefined, verified: false };
  if (!customer.hash) {
    if (merchant.mode === 'live') throw invalid('customer.hash', 'customer.hash is required with customer.reference in live mode.', 'customer_hash_required');
    // Test mode takes the reference on trust, but never shows that customer's details (see pages.tsx).
    return { reference: customer.reference, verified: false };
  }
  const expected = await hmacSha256Hex(merchant.embedSecret, customer.reference);
  if (!safeEqual(expected, customer.hash.toLowerCase())) throw invalid('customer.hash', 'customer.hash does not match customer.reference.', 'customer_hash_invalid');
  return { reference: customer.reference, verified: true };
}

export async function createWidgetSession(deps: Deps, merchant: Merchant, input: WidgetSessionCreate, origin: string, ip: string | null) {
  // Said precisely here (the widget shows it to the merchant's developer); the API keeps its own wording.
  if (!(await loadOffer(deps.db, merchant.id, input.offer))) {
    throw invalid('offer', `No offer "${input.offer}" in ${merchant.mode} mode. Check data-porte-checkout (or the offer given to Porte.open): it takes an offer reference, as listed under Offers in the back-office.`, 'offer_not_found');
  }
  const { reference, verified } = await verifyIdentity(merchant, input.customer);
  // Default: come back to the page the visitor subscribed from, when that page is the merchant's.
  const fallback = merchant.successUrl ?? input.page_url;
  const successUrl = input.success_url ?? fallback;
  if (!successUrl || !urlOnAllowedOrigin(successUrl, merchant.allowedOrigins)) {
    throw invalid('success_url', 'success_url must be on one of the merchant\'s allowed origins.', 'url_not_allowed');
  }
  const cancelUrl = merchant.cancelUrl ?? input.page_url ?? successUrl;
  const created = checkoutService(deps).create(
    merchant,
    {
      offer: input.offer,
      customer_reference: reference,
      customer_email: input.customer?.email,
      success_url: successUrl,
      cancel_url: urlOnAllowedOrigin(cancelUrl, merchant.allowedOrigins) ? cancelUrl : successUrl,
      locale: input.locale,
    },
    'widget',
    { embedOrigin: origin, clientIp: ip, hashVerified: verified },
  );
  // Name the widget's own field when the reference is refused (the API calls it customer_reference).
  const { session } = await created.catch((error: unknown) => {
    throw error instanceof ApiError && error.param === 'customer_reference' ? new ApiError(error.status, error.type, error.code, error.message, 'customer.reference') : error;
  });
  return session;
}

/** What the widget may learn of a session: only once complete, only ids. */
export async function widgetSessionResult(deps: Deps, merchant: Merchant, id: string) {
  const session = await checkoutService(deps).get(merchant.id, id);
  if (session.status !== 'complete' || !session.customerId || !session.subscriptionId) {
    return { id: session.id, status: 'open' as const };
  }
  const customer = await customerRepository(deps.db).byId(merchant.id, session.customerId);
  const subscription = await subscriptionRepository(deps.db).byId(merchant.id, session.subscriptionId);
  return {
    id: session.id,
    status: 'complete' as const,
    success_url: session.successUrl,
    customer: { id: session.customerId, reference: customer?.reference ?? null },
    subscription: { id: session.subscriptionId, offer: subscription?.offerId ?? null },
  };
}
