import * as v from 'valibot';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { finalizeOnce } from '../../server/checkout/complete.ts';
import { loadOffer } from '../../server/checkout/offer.ts';
import { checkoutRepository } from '../../server/checkout/repository.ts';
import { checkoutFormSchema } from '../../server/checkout/schema.ts';
import { submitCheckout } from '../../server/checkout/submit.ts';
import { customerService } from '../../server/customers/service.ts';
import type { Database } from '../../server/db/port.ts';
import type { Deps } from '../../server/deps.ts';
import { merchantRepository } from '../../server/merchants/repository.ts';
import { nodeHarness } from '../harness/node.ts';
import { client } from '../harness/types.ts';
import { counts, formFields, offerBodies } from './checkout.suite.ts';

// Races that HTTP timing cannot produce on demand: the database is wrapped so that another
// writer commits exactly between a checkout's reads and its atomic batch.
let h: Awaited<ReturnType<typeof nodeHarness>>;
beforeAll(async () => {
  h = await nodeHarness();
});
afterAll(async () => h?.close());

/** The real database, with `before` run once just before the next batch. */
function interleaved(db: Database, before: () => Promise<unknown>): Database {
  let pending: (() => Promise<unknown>) | undefined = before;
  return {
    all: (q, p) => db.all(q, p),
    get: (q, p) => db.get(q, p),
    run: (q, p) => db.run(q, p),
    async batch(statements) {
      const run = pending;
      pending = undefined;
      if (run) await run();
      return db.batch(statements);
    },
  };
}

async function shop() {
  const merchant = await h.merchant();
  const api = client(h, merchant.secretKey);
  for (const body of Object.values(offerBodies)) expect((await api('POST', '/v1/offers', body)).status).toBe(201);
  const row = await merchantRepository(h.deps.db).byId(merchant.id);
  if (!row) throw new Error('merchant missing');
  return { api, merchant: row };
}

async function load(merchantId: string, sessionId: string) {
  const session = await checkoutRepository(h.deps.db).byId(sessionId);
  const offer = session && (await loadOffer(h.deps.db, merchantId, session.offerId));
  if (!session || !offer) throw new Error('session missing');
  return { session, offer };
}

const details = (email: string) => {
  const { email: _e, first_name, last_name, company, line1, postal_code, city, country } = formFields(email);
  return { email, first_name: first_name ?? '', last_name: last_name ?? '', company: company ?? '', line1: line1 ?? '', postal_code: postal_code ?? '', city: city ?? '', country: country ?? '' };
};
const method = { type: 'card' as const, card: { brand: 'visa', last4: '4242', exp_month: 12, exp_year: 2030 }, gatewayRef: 'test_pm' };

describe('checkout completion races', () => {
  it('two sessions creating the same new customer reference: the loser retries onto the winner’s customer — one customer, two subscriptions', async () => {
    const { api, merchant } = await shop();
    const open = async (offer: string) =>
      (await api('POST', '/v1/checkout_sessions', { offer, customer_reference: 'brand-new', success_url: 'https://shop.example/ok', cancel_url: 'https://shop.example/back' })).body.id as string;
    const a = await load(merchant.id, await open('pro-monthly'));
    const b = await load(merchant.id, await open('basic-monthly'));

    // B has read "no customer with this reference"; A completes (creating it) before B's batch.
    const winner = { ids: undefined as { customerId: string; subscriptionId: string } | undefined };
    const deps: Deps = {
      ...h.deps,
      db: interleaved(h.deps.db, async () => {
        winner.ids = await finalizeOnce(h.deps, merchant, a.session, a.offer, details('a@example.com'), method, null, 'test');
      }),
    };
    const loser = await finalizeOnce(deps, merchant, b.session, b.offer, details('b@example.com'), method, null, 'test');

    expect(winner.ids).toBeDefined();
    expect(loser.customerId).toBe(winner.ids?.customerId);
    expect(loser.subscriptionId).not.toBe(winner.ids?.subscriptionId);
    expect(await counts(api)).toEqual({ customers: 1, subscriptions: 2 });
    const customer = (await api('GET', `/v1/customers/${loser.customerId}`)).body;
    // The later checkout's typed details win, as for any returning customer.
    expect(customer).toMatchObject({ reference: 'brand-new', email: 'b@example.com' });
    for (const s of [a.session, b.session]) {
      expect((await api('GET', `/v1/checkout_sessions/${s.id}`)).body).toMatchObject({ status: 'complete', customer: loser.customerId });
    }
    const events = await h.deps.db.all<{ type: string }>("SELECT type FROM events WHERE merchant_id = ? AND type IN ('customer.created', 'subscription.created')", [merchant.id]);
    expect(events.map((e) => e.type).sort()).toEqual(['customer.created', 'subscription.created', 'subscription.created']);
  });

  it('a customer anonymized between the checkout’s read and its batch stays erased: nothing is written, the visitor is told', async () => {
    const { api, merchant } = await shop();
    const customer = (await api('POST', '/v1/customers', { reference: 'erase-race', email: 'before@example.com', first_name: 'Before' })).body;
    const id = (await api('POST', '/v1/checkout_sessions', { offer: 'pro-monthly', customer_reference: 'erase-race', success_url: 'https://shop.example/ok', cancel_url: 'https://shop.example/back' })).body.id;
    const { session, offer } = await load(merchant.id, id);
    const deps: Deps = { ...h.deps, db: interleaved(h.deps.db, () => customerService(h.deps.db, h.deps.clock).anonymize(merchant.id, customer.id)) };

    const outcome = await submitCheckout({ deps, merchant, session, offer, ip: null }, v.parse(checkoutFormSchema, formFields('after@example.com')));

    expect(outcome).toEqual({ kind: 'erased' });
    expect((await api('GET', `/v1/customers/${customer.id}`)).body).toMatchObject({ status: 'anonymized', email: null, first_name: null, payment_method: { type: 'none' } });
    expect(await counts(api)).toEqual({ customers: 1, subscriptions: 0 });
    expect((await api('GET', `/v1/checkout_sessions/${id}`)).body.status).toBe('open');
  });
});
