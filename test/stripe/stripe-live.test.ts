/**
 * Opt-in check against real Stripe test mode: `STRIPE_SECRET_KEY=sk_test_… npx vitest run test/stripe/`.
 * It proves the fake server's protocol has not drifted from Stripe's on the calls Porte makes.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { stripeGateway } from '../../server/gateways/stripe.ts';

const secretKey = process.env.STRIPE_SECRET_KEY ?? '';

describe.runIf(secretKey !== '')('Stripe test mode (live)', () => {
  // Built lazily: vitest still collects this block when it is skipped, and the SDK refuses an empty key.
  const gateway = () => stripeGateway({ secretKey, publishableKey: process.env.STRIPE_PUBLISHABLE_KEY ?? 'pk_test_unused' });
  const base = `cs_live_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  const customers = new Set<string>();

  /** Plain REST, as the browser's Stripe.js would: the adapter is the only code using the SDK. */
  async function api(method: 'POST' | 'DELETE', path: string, form: Record<string, string> = {}): Promise<Record<string, unknown>> {
    const res = await fetch(`https://api.stripe.com${path}`, {
      method,
      headers: { authorization: `Bearer ${secretKey}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: method === 'POST' ? new URLSearchParams(form) : undefined,
    });
    const body = (await res.json()) as Record<string, unknown>;
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(body)}`);
    return body;
  }

  afterAll(async () => {
    for (const id of customers) await api('DELETE', `/v1/customers/${id}`);
  });

  it('prepares once per base, confirms pm_card_visa and reads back a succeeded card', async () => {
    const input = { idempotencyBase: base, email: 'live-test@example.com', name: 'Porte live test', state: {}, metadata: { porte_test: 'live' } };
    const stripe = gateway();
    const prepared = await stripe.prepare(input);
    customers.add(prepared.state.customer!);
    expect(prepared.clientSecret).toMatch(/^seti_.+_secret_/);
    // Same base, state lost: Stripe's idempotency must hand back the very same objects.
    expect((await stripe.prepare(input)).state).toEqual(prepared.state);

    const id = prepared.state.setup_intent!;
    await api('POST', `/v1/setup_intents/${id}/confirm`, { payment_method: 'pm_card_visa', return_url: 'https://example.com/return' });
    const result = await stripe.confirm({ idempotencyBase: base, state: prepared.state, fields: { setup_intent: id }, returnUrl: 'https://example.com/return' });
    expect(result).toMatchObject({
      status: 'succeeded',
      method: { type: 'card', card: { brand: 'visa', last4: '4242' } },
      gatewayCustomerId: prepared.state.customer,
    });
  });
});
