/**
 * The local Stripe-protocol server behaves as Stripe documents, where a mistake in Porte would
 * otherwise pass: misspelt or removed parameters refused, idempotency scoped and expiring, the
 * test cards and IBANs as docs.stripe.com/testing lists them, intents' status machines, and events
 * signed so that the real SDK's verifier accepts them. Raw HTTP here: this is the protocol itself.
 */
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeStripeServer, type JsonObject, startFakeStripeServer } from './fake-stripe-server.ts';

let server: FakeStripeServer;
let seq = 0;
const hooks: { payload: string; signature: string }[] = [];
const SECRET = 'whsec_fake_test';

async function call(method: 'GET' | 'POST', path: string, form: Record<string, string> = {}, opts: { key?: string; idem?: string } = {}) {
  const query = method === 'GET' && Object.keys(form).length > 0 ? `?${new URLSearchParams(form)}` : '';
  const res = await fetch(`${server.url}${path}${query}`, {
    method,
    headers: {
      authorization: `Bearer ${opts.key ?? 'sk_test_acct1'}`,
      'content-type': 'application/x-www-form-urlencoded',
      ...(opts.idem ? { 'idempotency-key': opts.idem } : {}),
    },
    body: method === 'POST' ? new URLSearchParams(form) : undefined,
  });
  // biome-ignore lint/suspicious/noExplicitAny: Stripe's JSON is inspected field by field.
  return { status: res.status, body: (await res.json()) as any, replayed: res.headers.get('idempotent-replayed') === 'true' };
}

const customer = async (key?: string) => (await call('POST', '/v1/customers', { email: `c${++seq}@example.com` }, { key })).body.id as string;

beforeAll(async () => {
  server = await startFakeStripeServer();
  server.addWebhookEndpoint({
    url: 'http://receiver.test/hook',
    secret: SECRET,
    transport: async (_url, init) => {
      hooks.push({ payload: init.body, signature: init.headers['stripe-signature']! });
      return { status: 200 };
    },
  });
});
afterAll(() => server.close());

describe('parameters', () => {
  it('refuses an unknown parameter, as Stripe does, naming it, and creates nothing', async () => {
    const before = server.objects('payment_intent').length;
    const res = await call('POST', '/v1/payment_intents', { amount: '2900', currency: 'eur', amout: '2900' });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ type: 'invalid_request_error', code: 'parameter_unknown', param: 'amout', message: 'Received unknown parameter: amout' });
    const nested = await call('POST', '/v1/setup_intents', { 'mandate_data[customer_acceptance][typ]': 'online' });
    expect(nested.body.error).toMatchObject({ code: 'parameter_unknown', param: 'mandate_data[customer_acceptance][typ]' });
    // Removed in the pinned API version: payment_method_types is read-only now.
    const removed = await call('POST', '/v1/setup_intents', { 'payment_method_types[0]': 'card' });
    expect(removed.body.error).toMatchObject({ code: 'parameter_unknown', param: 'payment_method_types' });
    expect(server.objects('payment_intent')).toHaveLength(before);
  });

  it('refuses missing, non-integer and empty enum values with Stripe’s codes', async () => {
    expect((await call('POST', '/v1/payment_intents', { currency: 'eur' })).body.error).toMatchObject({ code: 'parameter_missing', param: 'amount' });
    expect((await call('POST', '/v1/payment_intents', { amount: '29.00', currency: 'eur' })).body.error).toMatchObject({ code: 'parameter_invalid_integer', param: 'amount' });
    expect((await call('POST', '/v1/setup_intents', { usage: '' })).body.error).toMatchObject({ code: 'parameter_invalid_empty', param: 'usage' });
    expect((await call('POST', '/v1/setup_intents', { usage: 'sometimes' })).body.error).toMatchObject({ param: 'usage' });
    expect((await call('POST', '/v1/payment_intents', { amount: '10', currency: 'eur' })).body.error).toMatchObject({ code: 'amount_too_small' });
  });

  it('refuses a confirm on creation that could need a redirect without a return_url', async () => {
    const res = await call('POST', '/v1/payment_intents', { amount: '2900', currency: 'eur', confirm: 'true', payment_method: 'pm_card_visa' });
    expect(res.status).toBe(400);
    expect(res.body.error.param).toBe('return_url');
  });
});

describe('idempotency', () => {
  const create = (key: string, email: string, account = 'sk_test_acct1') => call('POST', '/v1/customers', { email }, { key: account, idem: key });

  it('replays the same key and parameters, refuses other parameters, scopes keys per account', async () => {
    const key = `k_${++seq}`;
    const first = await create(key, 'a@example.com');
    const again = await create(key, 'a@example.com');
    expect([again.body.id, again.replayed]).toEqual([first.body.id, true]);
    const other = await create(key, 'b@example.com');
    expect([other.status, other.body.error.type]).toEqual([400, 'idempotency_error']);
    const elsewhere = await create(key, 'b@example.com', 'sk_test_acct2');
    expect([elsewhere.status, elsewhere.replayed]).toEqual([200, false]);
    expect(elsewhere.body.id).not.toBe(first.body.id);
  });

  it('forgets keys after 24 hours', async () => {
    const key = `k_${++seq}`;
    const first = await create(key, 'a@example.com');
    server.advance(23 * 3600 * 1000);
    expect((await create(key, 'a@example.com')).body.id).toBe(first.body.id);
    server.advance(2 * 3600 * 1000);
    const later = await create(key, 'a@example.com');
    expect([later.replayed, later.body.id === first.body.id]).toEqual([false, false]);
  });

  it('answers 409 idempotency_key_in_use while the first request is still executing', async () => {
    const key = `k_${++seq}`;
    server.failNext(1, 'slow', { path: '/v1/customers' });
    const [a, b] = await Promise.all([create(key, 'a@example.com'), new Promise((r) => setTimeout(r, 50)).then(() => create(key, 'a@example.com'))]);
    expect(a.status).toBe(200);
    expect([b.status, b.body.error.code]).toEqual([409, 'idempotency_key_in_use']);
    expect((await create(key, 'a@example.com')).body.id).toBe(a.body.id);
  });

  it('keeps no result for refused parameters: the key stays usable', async () => {
    const key = `k_${++seq}`;
    expect((await call('POST', '/v1/customers', { emial: 'x@example.com' }, { idem: key })).status).toBe(400);
    expect((await create(key, 'x@example.com')).status).toBe(200);
  });

  it('hides one account’s objects from another', async () => {
    const id = await customer('sk_test_acct1');
    expect((await call('GET', `/v1/customers/${id}`, {}, { key: 'sk_test_acct2' })).status).toBe(404);
    expect((await call('GET', `/v1/customers/${id}`, {}, { key: 'sk_test_acct1' })).status).toBe(200);
  });
});

describe('test payment methods', () => {
  it('map pm_card_* tokens to the documented cards', async () => {
    const expected: Record<string, string> = {
      pm_card_visa: '4242',
      pm_card_chargeDeclined: '0002',
      pm_card_chargeDeclinedInsufficientFunds: '9995',
      pm_card_chargeCustomerFail: '0341',
      pm_card_authenticationRequired: '3184',
      pm_card_authenticationRequiredOnSetup: '3155',
    };
    for (const [token, last4] of Object.entries(expected)) {
      const pi = (await call('POST', '/v1/payment_intents', { amount: '1000', currency: 'eur', payment_method: token })).body;
      expect(pi.status).toBe('requires_confirmation');
      const pm = (await call('GET', `/v1/payment_methods/${pi.payment_method}`)).body;
      expect({ token, last4: pm.card.last4 }).toEqual({ token, last4 });
    }
  });
});

describe('SetupIntents', () => {
  it('goes requires_confirmation → canceled, and refuses to confirm a canceled one', async () => {
    const si = (await call('POST', '/v1/setup_intents', { customer: await customer(), payment_method: 'pm_card_visa' })).body;
    expect(si.status).toBe('requires_confirmation');
    expect((await call('POST', `/v1/setup_intents/${si.id}/cancel`, { cancellation_reason: 'abandoned' })).body.status).toBe('canceled');
    const res = await call('POST', `/v1/setup_intents/${si.id}/confirm`, {});
    expect([res.status, res.body.error.code]).toEqual([400, 'setup_intent_unexpected_state']);
  });

  it('keeps SEPA processing until the bank answers: mandate active, or setup_failed with the mandate inactive', async () => {
    const mandate = { 'mandate_data[customer_acceptance][type]': 'online' };
    const ok = (await call('POST', '/v1/setup_intents', { customer: await customer(), 'allowed_payment_method_types[0]': 'sepa_debit', confirm: 'true', payment_method: 'pm_success_de', ...mandate })).body;
    const bad = (await call('POST', '/v1/setup_intents', {
      customer: await customer(),
      'allowed_payment_method_types[0]': 'sepa_debit',
      confirm: 'true',
      'payment_method_data[type]': 'sepa_debit',
      'payment_method_data[sepa_debit][iban]': 'DE62370400440532013001',
      ...mandate,
    })).body;
    expect([ok.status, bad.status]).toEqual(['processing', 'processing']);
    expect((await call('GET', `/v1/mandates/${ok.mandate}`)).body.status).toBe('pending');
    server.advance(10_000);
    expect((await call('GET', `/v1/setup_intents/${ok.id}`)).body.status).toBe('succeeded');
    expect((await call('GET', `/v1/mandates/${ok.mandate}`)).body.status).toBe('active');
    const failed = (await call('GET', `/v1/setup_intents/${bad.id}`)).body;
    expect(failed).toMatchObject({ status: 'requires_payment_method', last_setup_error: { code: 'no_account' } });
    expect((await call('GET', `/v1/mandates/${bad.mandate}`)).body.status).toBe('inactive');

    await server.flushEvents();
    const types = hooks.map((h) => JSON.parse(h.payload) as JsonObject).filter((e) => [ok.id, bad.id, bad.mandate].includes((e.data as { object: JsonObject }).object.id));
    expect(types.map((e) => e.type).sort()).toEqual(['mandate.updated', 'setup_intent.setup_failed', 'setup_intent.succeeded']);
  });
});

describe('events', () => {
  it('are signed so that Stripe’s own verifier accepts them, and carry the object as it was', async () => {
    hooks.length = 0;
    const pi = (await call('POST', '/v1/payment_intents', { amount: '1500', currency: 'eur', customer: await customer(), payment_method: 'pm_card_visa', confirm: 'true', 'allowed_payment_method_types[0]': 'card' })).body;
    expect(pi.status).toBe('succeeded');
    await server.flushEvents();
    const event = Stripe.webhooks.constructEvent(hooks[0]!.payload, hooks[0]!.signature, SECRET);
    expect(event).toMatchObject({ type: 'payment_intent.succeeded', data: { object: { id: pi.id, amount: 1500, status: 'succeeded' } } });
    expect(() => Stripe.webhooks.constructEvent(hooks[0]!.payload, hooks[0]!.signature, 'whsec_other')).toThrow();
  });
});
