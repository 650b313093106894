// Checkout on the Stripe gateway while Stripe answers 500 to one call in five: every page is either
// the form or the retryable "temporarily unavailable" page, every submission either completes or
// says "try again" (never a 500), retries finish every session, and each session ends with exactly
// one Porte customer and subscription — and one Stripe customer and SetupIntent, reused through
// idempotency keys. Only `http500` faults: the adapter's `timeoutMs` is not reachable through
// `Deps` (`Config['stripeApi']` has no timeout), and the SDK's 10 s default makes timeouts too slow here.
import { expect, it } from 'vitest';
import type { JsonObject } from '../stripe/fake-stripe-server.ts';
import { STRIPE_ORIGIN as ORIGIN, STRIPE_PK as PK, useStripeGatewayMerchant } from '../stripe/stripe-gateway.ts';

const SESSIONS = 40;
const CONCURRENCY = 8;
const MAX_TRIES = 25;
const SUCCESS_URL = 'https://shop.example/ok';
const UNAVAILABLE_PAGE = 'Payment temporarily unavailable';
const TRY_AGAIN = 'The payment service did not answer. Nothing was charged; please try again.';

const gateway = useStripeGatewayMerchant();
const { api } = gateway;

const statuses = new Map<string, number>();
const wrong: string[] = [];
const tally = (what: string, status: number, ok: boolean, detail = '') => {
  statuses.set(`${what} ${status}`, (statuses.get(`${what} ${status}`) ?? 0) + 1);
  if (!ok) wrong.push(`${what} → ${status} ${detail}`.trim());
  return ok;
};

/** GET the hosted page until it shows the form; every other answer must be the retryable 503 page. */
async function openUntilReady(id: string): Promise<{ csrf: string; clientSecret: string }> {
  for (let i = 0; i < MAX_TRIES; i++) {
    const res = await gateway.h.request(`/checkout/${id}`);
    const html = await res.text();
    if (res.status === 200) {
      const props = JSON.parse(/<script type="application\/json" id="porte-props"[^>]*>(.*?)<\/script>/s.exec(html)?.[1] ?? 'null');
      tally('open page', 200, props?.gateway?.kind === 'stripe' && typeof props.gateway.clientSecret === 'string', 'without the Payment Element');
      return { csrf: props.csrf, clientSecret: props.gateway.clientSecret };
    }
    tally('open page', res.status, res.status === 503 && html.includes(UNAVAILABLE_PAGE) && html.includes(TRY_AGAIN), html.slice(0, 200));
    if (res.status !== 503) break;
  }
  throw new Error(`the page of ${id} never opened`);
}

/** What Stripe.js does in the browser; a refused call (500) is simply made again. */
async function browserConfirm(clientSecret: string): Promise<string> {
  const seti = /^(seti_[^_]+)/.exec(clientSecret)?.[1] ?? '';
  for (let i = 0; i < MAX_TRIES; i++) {
    const res = await fetch(`${gateway.stripe.url}/v1/setup_intents/${seti}/confirm`, {
      method: 'POST',
      headers: { authorization: `Bearer ${PK}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ client_secret: clientSecret, payment_method: 'pm_card_visa' }),
    });
    await res.text();
    if (res.status === 200) return seti;
    expect(res.status).toBe(500);
  }
  throw new Error(`could not confirm ${seti}`);
}

/** POST the form until it completes; every other answer must be a retryable error with a message. */
async function submitUntilDone(id: string, csrf: string, seti: string, email: string): Promise<number> {
  const fields = { email, first_name: 'Sam', last_name: 'Lee', line1: '1 Main St', postal_code: '75002', city: 'Paris', country: 'FR', csrf, setup_intent: seti };
  for (let i = 1; i <= MAX_TRIES; i++) {
    const res = await gateway.h.request(`/checkout/${id}`, {
      method: 'POST',
      headers: { Origin: ORIGIN, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields).toString(),
      redirect: 'manual',
    });
    const html = await res.text();
    if (res.status === 303) {
      tally('submit', 303, res.headers.get('Location') === `${SUCCESS_URL}?checkout_session_id=${id}`, String(res.headers.get('Location')));
      return i;
    }
    tally('submit', res.status, (res.status === 503 || res.status === 422) && html.includes(TRY_AGAIN), html.slice(0, 200));
    if (res.status !== 503 && res.status !== 422) break;
  }
  throw new Error(`${id} never completed`);
}

async function signup(i: number): Promise<{ id: string; submits: number }> {
  const s = await api('POST', '/v1/checkout_sessions', { offer: 'pro-trial', success_url: SUCCESS_URL, cancel_url: SUCCESS_URL });
  expect(s.status).toBe(201);
  const id: string = s.body.id;
  const page = await openUntilReady(id);
  const seti = await browserConfirm(page.clientSecret);
  return { id, submits: await submitUntilDone(id, page.csrf, seti, `stripe-${i}@example.com`) };
}

it('completes every session despite Stripe failing 20% of calls, with one customer, subscription, Stripe customer and SetupIntent each', async () => {
  const started = Date.now();
  const ids: string[] = [];

  // A burst first, alone, so that every retry path is taken on every run (three refusals in a row
  // outlast the SDK's two retries): the page fails at customer creation, then at SetupIntent creation
  // (the Stripe customer exists but is not saved yet, so the next open must replay it by its
  // idempotency key, not create a second one), then the submission fails reading the SetupIntent.
  gateway.stripe.failNext(3, 'http500', { method: 'POST', path: '/v1/customers' });
  gateway.stripe.failNext(3, 'http500', { method: 'POST', path: '/v1/setup_intents' });
  gateway.stripe.failNext(3, 'http500', { method: 'GET', path: /^\/v1\/setup_intents\// });
  const burst = await signup(SESSIONS);
  ids.push(burst.id);
  expect(statuses.get('open page 503'), 'the unavailable page was shown twice').toBe(2);
  expect(statuses.get('submit 503'), 'the submission said "try again"').toBe(1);
  expect(gateway.stripe.requests.filter((r) => r.idempotencyKey === `${burst.id}:customer` && r.replayed), 'the Stripe customer was replayed').toHaveLength(1);

  gateway.stripe.failRatio(0.2, 'http500', 20261125);
  let next = 0;
  let maxSubmits = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < SESSIONS) {
        const result = await signup(next++);
        ids.push(result.id);
        maxSubmits = Math.max(maxSubmits, result.submits);
      }
    }),
  );
  gateway.stripe.failRatio(0, 'http500');

  expect(wrong).toEqual([]);
  expect([...statuses.keys()].filter((k) => / 5\d\d$/.test(k) && !k.endsWith(' 503'))).toEqual([]);
  const refused = gateway.stripe.requests.filter((r) => r.status === 500).length;
  expect(refused, 'faults were injected').toBeGreaterThan(SESSIONS / 2);

  // Porte: every session complete, exactly one customer and one subscription each, no orphan.
  for (const id of ids) {
    const s = (await api('GET', `/v1/checkout_sessions/${id}`)).body;
    expect(s).toMatchObject({ id, status: 'complete' });
    expect((await api('GET', `/v1/subscriptions?customer=${s.customer}`)).body.data.map((x: { id: string }) => x.id)).toEqual([s.subscription]);
  }
  const q = <T>(text: string) => gateway.h.deps.db.all<T>(text, [gateway.m.id]);
  expect((await q<{ n: number }>('SELECT COUNT(*) AS n FROM customers WHERE merchant_id = ?'))[0]?.n).toBe(ids.length);
  expect((await q<{ n: number }>('SELECT COUNT(DISTINCT checkout_session_id) AS n FROM subscriptions WHERE merchant_id = ?'))[0]?.n).toBe(ids.length);
  const orphans = await q<{ id: string }>(
    `SELECT c.id FROM customers c WHERE c.merchant_id = ?
       AND (SELECT COUNT(*) FROM subscriptions s JOIN checkout_sessions cs ON cs.id = s.checkout_session_id
            WHERE s.customer_id = c.id AND cs.customer_id = c.id AND cs.subscription_id = s.id AND cs.status = 'complete') != 1`,
  );
  expect(orphans).toEqual([]);

  // Stripe: one customer and one SetupIntent per session, and Porte points at them.
  const perSession = (objects: JsonObject[]) => {
    const counts = new Map<string, number>();
    for (const o of objects) {
      const session = String((o.metadata as JsonObject | null)?.porte_checkout_session ?? '');
      counts.set(session, (counts.get(session) ?? 0) + 1);
    }
    return counts;
  };
  const stripeCustomers = perSession(gateway.stripe.objects('customer'));
  const setupIntents = perSession(gateway.stripe.objects('setup_intent'));
  for (const id of ids) expect({ id, customers: stripeCustomers.get(id), setupIntents: setupIntents.get(id) }).toEqual({ id, customers: 1, setupIntents: 1 });
  expect(gateway.stripe.objects('customer')).toHaveLength(ids.length);
  expect(gateway.stripe.objects('setup_intent')).toHaveLength(ids.length);
  const refs = await q<{ session: string; gateway_customer_id: string; stripe_customer: string }>(
    `SELECT cs.id AS session, r.gateway_customer_id, json_extract(cs.gateway_state, '$.customer') AS stripe_customer
     FROM checkout_sessions cs JOIN customer_gateway_refs r ON r.customer_id = cs.customer_id WHERE cs.merchant_id = ?`,
  );
  expect(refs).toHaveLength(ids.length);
  for (const r of refs) expect(r.gateway_customer_id).toBe(r.stripe_customer);

  console.log(
    JSON.stringify({
      stripeFaults: {
        sessions: ids.length,
        stripeRequests: gateway.stripe.requests.length,
        refusedByStripe: refused,
        replayedByIdempotencyKey: gateway.stripe.requests.filter((r) => r.replayed).length,
        stripeCustomersPerSession: 1,
        setupIntentsPerSession: 1,
        maxSubmitsForOneSession: maxSubmits,
        statuses: Object.fromEntries(statuses),
        ms: Date.now() - started,
      },
    }),
  );
}, 120_000);
