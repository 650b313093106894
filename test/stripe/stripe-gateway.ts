// A merchant on the Stripe gateway, for the checkout tests that go through the real `stripe` SDK:
// a node harness pointed at a local Stripe-protocol server (fake-stripe-server.ts), one merchant
// switched to `gateway = 'stripe'`, its offer `pro` (EUR 29.00 a month, due today) and `pro-trial`
// (the same after a free 14-day trial, nothing due today). The fake server sends
// its signed events to the app's `POST /webhooks/stripe`, as Stripe would.
import { afterAll, beforeAll, expect } from 'vitest';
import { nodeHarness } from '../harness/node.ts';
import { client, type TestMerchant } from '../harness/types.ts';
import { type FakeStripeServer, startFakeStripeServer } from './fake-stripe-server.ts';

export const STRIPE_PK = 'pk_test_porte';
export const STRIPE_WEBHOOK_SECRET = 'whsec_porte_test';
/** Porte's public URL in these harnesses (the Origin a form post must carry). */
export const STRIPE_ORIGIN = 'http://porte.test';

export interface StripeGatewayMerchant {
  stripe: FakeStripeServer;
  h: Awaited<ReturnType<typeof nodeHarness>>;
  m: TestMerchant;
  api: ReturnType<typeof client>;
}

/** Starts the fake Stripe server and the harness, then the merchant and its offer `pro`. */
export async function startStripeGatewayMerchant(options: { timeoutMs?: number } = {}): Promise<StripeGatewayMerchant> {
  const stripe = await startFakeStripeServer();
  try {
    return await merchantOn(stripe, options);
  } catch (error) {
    await stripe.close();
    throw error;
  }
}

async function merchantOn(stripe: FakeStripeServer, options: { timeoutMs?: number }): Promise<StripeGatewayMerchant> {
  const h = await nodeHarness({
    config: {
      publicUrl: STRIPE_ORIGIN,
      stripe: { secretKey: 'sk_test_porte', publishableKey: STRIPE_PK, webhookSecret: STRIPE_WEBHOOK_SECRET },
      stripeApi: { host: stripe.host, port: stripe.port, protocol: stripe.protocol, ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}) },
    },
  });
  // Stripe's events reach the app's endpoint, signed by the fake server with the webhook secret.
  stripe.addWebhookEndpoint({
    url: `${STRIPE_ORIGIN}/webhooks/stripe`,
    secret: STRIPE_WEBHOOK_SECRET,
    transport: (url, init) => h.request(new URL(url).pathname, init),
  });
  const m = await h.merchant();
  await h.deps.db.run("UPDATE merchants SET gateway = 'stripe' WHERE id = ?", [m.id]);
  const api = client(h, m.secretKey);
  const offer = await api('POST', '/v1/offers', { reference: 'pro', name: 'Pro', currency: 'EUR', recurring: { amount: 2900, interval: 'month' } });
  expect(offer.status).toBe(201);
  // Nothing due today (free trial, no setup fee): the page only saves the method (SetupIntent).
  const trial = await api('POST', '/v1/offers', { reference: 'pro-trial', name: 'Pro trial', currency: 'EUR', recurring: { amount: 2900, interval: 'month' }, trial: { days: 14 } });
  expect(trial.status).toBe(201);
  return { stripe, h, m, api };
}

/**
 * The same, with its hooks registered here: started in beforeAll, closed in afterAll (the harness,
 * then the fake Stripe server). The getters throw before beforeAll has run; `api` may be kept.
 */
export function useStripeGatewayMerchant(options: { timeoutMs?: number } = {}): StripeGatewayMerchant {
  let started: StripeGatewayMerchant | undefined;
  const get = (): StripeGatewayMerchant => {
    if (!started) throw new Error('useStripeGatewayMerchant: not started yet (read it in a hook or a test)');
    return started;
  };
  beforeAll(async () => {
    started = await startStripeGatewayMerchant(options);
  });
  afterAll(async () => {
    await started?.h.close();
    await started?.stripe.close();
  });
  return {
    get stripe() {
      return get().stripe;
    },
    get h() {
      return get().h;
    },
    get m() {
      return get().m;
    },
    api: (...args) => get().api(...args),
  };
}
