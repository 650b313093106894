import type { Deps } from '../deps.ts';
import type { Merchant } from '../merchants/repository.ts';
import { GatewayUnavailable, type PaymentGateway } from './port.ts';
import { testGateway } from './test-gateway.ts';

/**
 * The merchant's gateway. The test gateway exists only for test-mode merchants; Stripe is loaded
 * lazily so the Stripe SDK stays out of the way for everyone who does not use it.
 */
/** The Stripe publishable key a page of this merchant gives Stripe.js (safe in browsers), if Stripe is its gateway. */
export const stripePublishableKey = (merchant: Merchant, deps: Deps): string | null =>
  merchant.gateway === 'stripe' ? (merchant.stripePublishableKey ?? deps.config.stripe?.publishableKey ?? null) : null;

export async function gatewayFor(merchant: Merchant, deps: Deps): Promise<PaymentGateway> {
  // Live takes payments only once its account passed the "Go live" checklist.
  if (merchant.mode === 'live' && !merchant.accountLiveAt) throw new GatewayUnavailable('This account has not gone live yet: see the "Go live" page.');
  if (merchant.gateway === 'stripe') {
    const secretKey = merchant.stripeSecretKey ?? deps.config.stripe?.secretKey;
    const publishableKey = merchant.stripePublishableKey ?? deps.config.stripe?.publishableKey;
    if (!secretKey || !publishableKey) throw new GatewayUnavailable('Stripe keys are not configured for this merchant.');
    const { stripeGateway } = await import('./stripe.ts');
    return stripeGateway({ secretKey, publishableKey, api: deps.config.stripeApi, timeoutMs: deps.config.stripeApi?.timeoutMs });
  }
  if (merchant.mode !== 'test') throw new GatewayUnavailable('The test gateway works only for test-mode merchants.');
  return testGateway(deps.clock, deps.db);
}
