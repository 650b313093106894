// Renewals on the Stripe gateway while Stripe refuses 20% of calls (500, before any work) and loses
// 5% of answers (timeout, after the work was done): the billing run charges each trial end through
// the real SDK, every lost outcome is asked again (retrieve, same idempotency key), and once Stripe
// is well again every invoice is paid exactly once. Counted at Stripe: one succeeded PaymentIntent
// per invoice (no double charge), each the one Porte recorded (no lost charge).
import { expect, it } from 'vitest';
import type { JsonObject } from '../stripe/fake-stripe-server.ts';
import { STRIPE_ORIGIN as ORIGIN, STRIPE_PK as PK, useStripeGatewayMerchant } from '../stripe/stripe-gateway.ts';

const SUBSCRIBERS = 40;
const DAY = 86_400_000;
const gateway = useStripeGatewayMerchant({ timeoutMs: 250 });
const { api } = gateway;
const props = (html: string) => JSON.parse(/<script type="application\/json" id="porte-props"[^>]*>(.*?)<\/script>/s.exec(html)?.[1] ?? 'null');

/** Signs up through the hosted checkout on the free-trial offer: Stripe.js saves pm_card_visa with a SetupIntent. */
async function signup(i: number): Promise<string> {
  const s = await api('POST', '/v1/checkout_sessions', { offer: 'pro-trial', success_url: 'https://shop.example/ok', cancel_url: 'https://shop.example/no' });
  const view = props(await (await gateway.h.request(`/checkout/${s.body.id}`)).text());
  const seti = /^(seti_[^_]+)/.exec(view.gateway.clientSecret)?.[1] ?? '';
  const confirmed = await fetch(`${gateway.stripe.url}/v1/setup_intents/${seti}/confirm`, {
    method: 'POST',
    headers: { authorization: `Bearer ${PK}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ client_secret: view.gateway.clientSecret, payment_method: 'pm_card_visa' }),
  });
  expect(confirmed.status).toBe(200);
  const fields = { email: `renew-${i}@example.com`, first_name: 'Sam', last_name: 'Lee', line1: '1 Main St', postal_code: '75002', city: 'Paris', country: 'FR', csrf: view.csrf, setup_intent: seti };
  const res = await gateway.h.request(`/checkout/${s.body.id}`, {
    method: 'POST',
    headers: { Origin: ORIGIN, 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
    redirect: 'manual',
  });
  expect(res.status).toBe(303);
  return (await api('GET', `/v1/checkout_sessions/${s.body.id}`)).body.subscription;
}

async function advanceBy(ms: number): Promise<void> {
  const now = (await api('GET', '/v1/test_clock')).body.now as string;
  const res = await api('POST', '/v1/test_clock/advance', { to: new Date(Date.parse(now) + ms).toISOString() });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
}

it('pays every trial-end invoice exactly once while Stripe fails 20% of calls and times out 5%', async () => {
  const started = Date.now();
  const subscriptions: string[] = [];
  for (let i = 0; i < SUBSCRIBERS; i++) subscriptions.push(await signup(i));
  const requestsBefore = gateway.stripe.requests.length;

  // A burst first, so that both engine-level paths are taken on every run (three faults in a row
  // outlast the SDK's two retries): one charge made at Stripe whose answer is lost (asked again by
  // retrieve, found by its key), one refused before any work (sent again under the same key).
  gateway.stripe.failNext(3, 'timeout', { method: 'POST', path: '/v1/payment_intents' });
  gateway.stripe.failNext(3, 'http500', { method: 'POST', path: '/v1/payment_intents' });
  gateway.stripe.faultRates({ http500: 0.2, timeout: 0.05 }, 20261201);
  // Trial ends (14 days): the run invoices and charges each; lost outcomes are asked again every 15 minutes.
  await advanceBy(14 * DAY + 60_000);
  for (let i = 0; i < 8; i++) await advanceBy(20 * 60_000);
  gateway.stripe.faultRates({});
  const faulty = gateway.stripe.requests.slice(requestsBefore);
  // Stripe is well again: whatever is still unknown is settled at the next looks.
  for (let i = 0; i < 4; i++) await advanceBy(20 * 60_000);

  const invoices = await gateway.h.deps.db.all<{ id: string; subscription_id: string; status: string; total: number; billing_reason: string }>(
    "SELECT id, subscription_id, status, total, billing_reason FROM invoices WHERE merchant_id = ? AND billing_reason != 'subscription_create' ORDER BY seq",
    [gateway.m.id],
  );
  // One invoice per subscription for the period after the trial, each paid.
  expect(invoices.map((i) => i.subscription_id).sort()).toEqual([...subscriptions].sort());
  expect(invoices.filter((i) => i.status !== 'paid')).toEqual([]);
  for (const sub of subscriptions) expect((await api('GET', `/v1/subscriptions/${sub}`)).body.status).toBe('active');

  // At Stripe: per invoice, exactly one succeeded PaymentIntent, for its total; none anywhere else.
  const intents = gateway.stripe.objects('payment_intent');
  const succeeded = intents.filter((pi) => pi.status === 'succeeded');
  const byInvoice = new Map<string, JsonObject[]>();
  for (const pi of succeeded) {
    const invoice = String((pi.metadata as JsonObject).porte_invoice);
    byInvoice.set(invoice, [...(byInvoice.get(invoice) ?? []), pi]);
  }
  for (const inv of invoices) {
    const paid = byInvoice.get(inv.id) ?? [];
    expect({ invoice: inv.id, charges: paid.length, amount: paid[0]?.amount }).toEqual({ invoice: inv.id, charges: 1, amount: inv.total });
  }
  expect(succeeded).toHaveLength(invoices.length);
  // And Porte recorded the very charge Stripe made (no charge Porte does not know of).
  const recorded = await gateway.h.deps.db.all<{ gateway_payment_id: string }>(
    "SELECT gateway_payment_id FROM invoice_payments WHERE merchant_id = ? AND status = 'succeeded'",
    [gateway.m.id],
  );
  expect(recorded.map((r) => r.gateway_payment_id).sort()).toEqual(succeeded.map((pi) => String(pi.id)).sort());

  // Whether a lost answer ends as an engine-level `unknown` (then looked up by the attempt's key) or
  // is absorbed by the SDK's own retries under the same key depends on how the 8 concurrent charges
  // interleave with the injected faults, so it is not asserted here; the look-up path itself is
  // proven deterministically in test/stripe/stripe-charge.test.ts and billing-concurrency's crash test.
  const lookups = gateway.stripe.requests.slice(requestsBefore).filter((r) => r.method === 'GET' && r.path === '/v1/payment_intents').length;
  const refused = faulty.filter((r) => r.status === 500).length;
  const lost = faulty.filter((r) => r.status === 'timeout').length;
  expect(refused, 'Stripe refused calls during the run').toBeGreaterThan(0);
  expect(lost, 'Stripe lost answers during the run').toBeGreaterThan(0);
  console.log(
    JSON.stringify({
      stripeRenewalFaults: {
        subscriptions: SUBSCRIBERS,
        stripeRequestsDuringFaults: faulty.length,
        refusedByStripe: refused,
        answersLost: lost,
        replayedByIdempotencyKey: faulty.filter((r) => r.replayed).length,
        lostOutcomesLookedUp: lookups,
        paymentIntents: intents.length,
        succeededPaymentIntents: succeeded.length,
        invoicesPaid: invoices.length,
        ms: Date.now() - started,
      },
    }),
  );
}, 240_000);
