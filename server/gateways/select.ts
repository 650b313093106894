import type { Deps } from '../deps.ts';
import type { Merchant } from '../merchants/repository.ts';
import { GatewayUnavailable, type PaymentGateway } from './port.ts';
import { testGateway } from './test-gateway.ts';

/**
 * The merchant's gateway. The test gateway exists only for test-mode merchants; Stripe is loaded
 * lazily so the Stripe SDK stays out of the way for everyone who does not use it.
 */
export async function gatewayFor(merchant: Merchant, deps: Deps): Promise<PaymentGateway> {
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
