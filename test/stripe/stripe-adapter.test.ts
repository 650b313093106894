/**
 * The Stripe adapter with the real `stripe` SDK against the local fake Stripe server: the SDK's own
 * retries, idempotency keys and error classes are exercised, not mocked.
 */
// Test-only import: the SDK's signer builds webhook headers exactly as Stripe does.
import Stripe from 'stripe';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { PreparedCollection } from '../../server/gateways/port.ts';
import { GatewayUnavailableError, type StripeGateway, StripeWebhookSignatureError, stripeGateway } from '../../server/gateways/stripe.ts';
import { type FakeStripeServer, type JsonObject, startFakeStripeServer } from './fake-stripe-server.ts';

const PK = 'pk_test_porte';
let server: FakeStripeServer;
let gateway: StripeGateway;
let seq = 0;

const connect = (overrides: { secretKey?: string; timeoutMs?: number } = {}) =>
  stripeGateway({ secretKey: 'sk_test_porte', publishableKey: PK, api: { host: server.host, port: server.port, protocol: 'http' }, ...overrides });

const prepareInput = (idempotencyBase: string, state: Record<string, string> = {}) => ({
  idempotencyBase,
  email: 'ada@example.com',
  name: 'Ada Lovelace',
  state,
  metadata: { checkout_session: idempotencyBase },
});

/** What Stripe.js does in the page on confirmSetup: publishable key + client secret, never the secret key. */
async function browserConfirm(prepared: PreparedCollection, form: Record<string, string>): Promise<{ status: number; body: JsonObject }> {
  const id = prepared.state.setup_intent!;
  const res = await fetch(`${server.url}/v1/setup_intents/${id}/confirm`, {
    method: 'POST',
    headers: { authorization: `Bearer ${PK}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ client_secret: prepared.clientSecret!, ...form }),
  });
  return { status: res.status, body: (await res.json()) as JsonObject };
}

const confirmInput = (base: string, prepared: PreparedCollection, setupIntent = prepared.state.setup_intent!) => ({
  idempotencyBase: base,
  state: prepared.state,
  fields: { setup_intent: setupIntent },
  returnUrl: 'http://porte.test/checkout/cs_1/return',
});

beforeAll(async () => {
  server = await startFakeStripeServer();
});
afterAll(() => server.close());
beforeEach(() => {
  gateway = connect();
  server.failRatio(0, 'http500');
});

describe('prepare', () => {
  it('creates one customer and one off-session SetupIntent, then reuses them', async () => {
    const base = `cs_prepare_${++seq}`;
    const prepared = await gateway.prepare(prepareInput(base));
    expect(prepared).toMatchObject({ gateway: 'stripe', publishableKey: PK, clientSecret: expect.stringMatching(/_secret_/) });
    const si = server.objects('setup_intent').find((o) => o.id === prepared.state.setup_intent)!;
    expect(si).toMatchObject({ customer: prepared.state.customer, usage: 'off_session', allowed_payment_method_types: ['card', 'sepa_debit'] });
    expect(si.metadata).toEqual({ checkout_session: base, porte_idempotency_base: base });
    const keys = server.requests.filter((r) => r.method === 'POST').slice(-2).map((r) => r.idempotencyKey);
    expect(keys).toEqual([`${base}:customer`, `${base}:setup_intent`]);

    const counts = [server.objects('customer').length, server.objects('setup_intent').length];
    const again = await gateway.prepare(prepareInput(base, prepared.state));
    expect(again).toEqual(prepared);
    expect([server.objects('customer').length, server.objects('setup_intent').length]).toEqual(counts);
  });

  it('survives a 500 on customer creation: the SDK retries with the same key, one customer only', async () => {
    const base = `cs_500_${++seq}`;
    const before = server.objects('customer').length;
    server.failNext(1, 'http500', { method: 'POST', path: '/v1/customers' });
    const prepared = await gateway.prepare(prepareInput(base));
    expect(prepared.state.customer).toMatch(/^cus_/);
    expect(server.objects('customer').length).toBe(before + 1);
    const attempts = server.requests.filter((r) => r.path === '/v1/customers' && r.idempotencyKey === `${base}:customer`);
    expect(attempts.map((r) => r.status)).toEqual([500, 200]);
  });

  it('reports a timeout as unavailable; a later prepare with the same base creates nothing new', async () => {
    const base = `cs_timeout_${++seq}`;
    const slow = connect({ timeoutMs: 150 });
    const [customers, intents] = [server.objects('customer').length, server.objects('setup_intent').length];
    // Three attempts (one + two SDK retries) all lose their answer, after Stripe did the work.
    server.failNext(3, 'timeout', { method: 'POST', path: '/v1/setup_intents' });
    const failure = await slow.prepare(prepareInput(base)).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(GatewayUnavailableError);
    expect(failure).toMatchObject({ status: 'unavailable', retryable: true });

    const prepared = await slow.prepare(prepareInput(base));
    expect(server.objects('customer').length).toBe(customers + 1);
    expect(server.objects('setup_intent').length).toBe(intents + 1);
    expect(server.objects('setup_intent').at(-1)!.id).toBe(prepared.state.setup_intent);
    expect(server.requests.filter((r) => r.idempotencyKey === `${base}:setup_intent`).map((r) => [r.status, r.replayed])).toEqual([
      ['timeout', false],
      ['timeout', true],
      ['timeout', true],
      [200, true],
    ]);
  });

  it('leaves no orphan under random 500s (seeded): every base ends with exactly one customer and SetupIntent', async () => {
    const bases = Array.from({ length: 6 }, () => `cs_chaos_${++seq}`);
    const [customers, intents] = [server.objects('customer').length, server.objects('setup_intent').length];
    server.failRatio(0.3, 'http500', 7);
    for (const base of bases) {
      let prepared: PreparedCollection | null = null;
      for (let attempt = 0; attempt < 5 && !prepared; attempt++) {
        prepared = await gateway.prepare(prepareInput(base)).catch((e: unknown) => {
          expect(e).toBeInstanceOf(GatewayUnavailableError);
          return null;
        });
      }
      expect(prepared?.state.setup_intent).toMatch(/^seti_/);
    }
    server.failRatio(0, 'http500');
    expect(server.requests.some((r) => r.status === 500)).toBe(true);
    expect(server.objects('customer').length - customers).toBe(bases.length);
    expect(server.objects('setup_intent').length - intents).toBe(bases.length);
  });

  it('refuses other parameters under the same base (Stripe idempotency_error), creating nothing', async () => {
    const base = `cs_params_${++seq}`;
    await gateway.prepare(prepareInput(base));
    const customers = server.objects('customer').length;
    const failure = await gateway.prepare({ ...prepareInput(base), email: 'someone.else@example.com' }).catch((e: unknown) => e);
    expect(failure).toMatchObject({ name: 'GatewayUnavailableError', retryable: false });
    expect(server.objects('customer').length).toBe(customers);
  });

  it('refuses a bad secret key without retrying forever', async () => {
    const failure = await connect({ secretKey: 'rk_wrong' }).prepare(prepareInput(`cs_key_${++seq}`)).catch((e: unknown) => e);
    expect(failure).toMatchObject({ name: 'GatewayUnavailableError', retryable: false });
  });
});

describe('confirm', () => {
  async function prepared(): Promise<{ base: string; p: PreparedCollection }> {
    const base = `cs_confirm_${++seq}`;
    return { base, p: await gateway.prepare(prepareInput(base)) };
  }

  it('succeeds with a card and returns what Porte may keep', async () => {
    const { base, p } = await prepared();
    expect((await browserConfirm(p, { payment_method: 'pm_card_visa' })).status).toBe(200);
    const result = await gateway.confirm(confirmInput(base, p));
    expect(result).toEqual({
      status: 'succeeded',
      method: { type: 'card', card: { brand: 'visa', last4: '4242', exp_month: 12, exp_year: expect.any(Number) }, gatewayRef: expect.stringMatching(/^pm_/) },
      gatewayCustomerId: p.state.customer,
    });
  });

  it('asks for 3-D Secure, then succeeds once the customer authenticated', async () => {
    const { base, p } = await prepared();
    await browserConfirm(p, { payment_method: 'pm_card_authenticationRequired', return_url: 'http://porte.test/return' });
    const pending = await gateway.confirm(confirmInput(base, p));
    const redirectUrl = `${server.url}/_fake/3ds/${p.state.setup_intent}`;
    expect(pending).toEqual({ status: 'requires_action', redirectUrl });
    const bank = await fetch(redirectUrl, { redirect: 'manual' });
    expect(bank.headers.get('location')).toContain(`setup_intent=${p.state.setup_intent}&`);
    expect(bank.headers.get('location')).toContain('redirect_status=succeeded');
    expect(await gateway.confirm(confirmInput(base, p))).toMatchObject({ status: 'succeeded', method: { card: { last4: '3184' } } });
  });

  it('reports a failed 3-D Secure challenge as authentication_failed', async () => {
    const { base, p } = await prepared();
    await browserConfirm(p, { payment_method: 'pm_card_authenticationRequired' });
    expect(await gateway.confirm(confirmInput(base, p))).toEqual({ status: 'requires_action', redirectUrl: null });
    server.authenticate(p.state.setup_intent!, 'fail');
    expect(await gateway.confirm(confirmInput(base, p))).toMatchObject({ status: 'failed', code: 'authentication_failed' });
  });

  it('reports a decline with Stripe’s message', async () => {
    const { base, p } = await prepared();
    const page = await browserConfirm(p, { payment_method: 'pm_card_chargeDeclined' });
    expect(page.status).toBe(402);
    expect(await gateway.confirm(confirmInput(base, p))).toEqual({ status: 'failed', code: 'card_declined', message: 'Your card was declined.' });
  });

  it('accepts SEPA Direct Debit while the mandate is still processing', async () => {
    const { base, p } = await prepared();
    const mandate = { 'mandate_data[customer_acceptance][type]': 'online' };
    expect((await browserConfirm(p, { payment_method: 'pm_success_de', ...mandate })).body).toMatchObject({ status: 'processing' });
    expect(await gateway.confirm(confirmInput(base, p))).toMatchObject({
      status: 'succeeded',
      method: { type: 'sepa_debit', sepa_debit: { last4: '3000', country: 'DE' } },
    });
  });

  it('refuses a SetupIntent that is not this session’s, or not confirmed', async () => {
    const { base, p } = await prepared();
    const other = await prepared();
    await browserConfirm(other.p, { payment_method: 'pm_card_visa' });
    expect(await gateway.confirm(confirmInput(base, p, other.p.state.setup_intent))).toMatchObject({ status: 'failed', code: 'invalid_details' });
    expect(await gateway.confirm({ ...confirmInput(base, p), fields: {} })).toMatchObject({ status: 'failed', code: 'invalid_details' });
    expect(await gateway.confirm(confirmInput(base, p))).toMatchObject({ status: 'failed', code: 'invalid_details' });
    const ghost = { ...p, state: { ...p.state, setup_intent: 'seti_unknown' } };
    expect(await gateway.confirm(confirmInput(base, ghost))).toMatchObject({ status: 'failed', code: 'invalid_details' });
  });

  it('answers unavailable, never throws, when Stripe cannot be reached', async () => {
    const { base, p } = await prepared();
    server.failNext(3, 'timeout', { method: 'GET' });
    expect(await connect({ timeoutMs: 150 }).confirm(confirmInput(base, p))).toMatchObject({ status: 'unavailable' });
    const down = stripeGateway({ secretKey: 'sk_test_porte', publishableKey: PK, api: { host: '127.0.0.1', port: 9, protocol: 'http' } });
    expect(await down.confirm(confirmInput(base, p))).toMatchObject({ status: 'unavailable' });
  });
});

describe('verifyWebhook', () => {
  const secret = 'whsec_test_porte';

  /** An event as Stripe sends it: emitted and signed by the server when a card is declined at setup. */
  async function emitted(): Promise<{ payload: string; header: string; base: string; seti: string }> {
    const base = `cs_hook_${++seq}`;
    const p = await gateway.prepare(prepareInput(base));
    await browserConfirm(p, { payment_method: 'pm_card_chargeDeclined' });
    await server.flushEvents();
    const delivery = server.deliveries.find((d) => (d.event.data as { object: JsonObject }).object.id === p.state.setup_intent);
    expect(delivery?.event.type).toBe('setup_intent.setup_failed');
    return { payload: delivery!.payload, header: delivery!.signature, base, seti: p.state.setup_intent! };
  }

  beforeAll(() => server.addWebhookEndpoint({ url: 'http://porte.test/webhooks/stripe', secret, transport: async () => ({ status: 200 }) }));

  it('returns the event once the signature checks out', async () => {
    const { payload, header, base, seti } = await emitted();
    expect(await gateway.verifyWebhook(payload, header, secret)).toEqual({
      id: expect.stringMatching(/^evt_/),
      type: 'setup_intent.setup_failed',
      object: { kind: 'setup_intent', id: seti, status: 'requires_payment_method', customer: expect.stringMatching(/^cus_/), paymentMethod: null, created: expect.any(Number) },
      // Stripe clears payment_method on a failed setup; the method it failed with is in last_setup_error.
      failedPaymentMethod: expect.stringMatching(/^pm_/),
      failureCode: 'card_declined',
      setupIntentId: seti,
      metadata: { checkout_session: base, porte_idempotency_base: base },
    });
  });

  it('refuses a tampered payload, a wrong secret, a stale timestamp and a missing header', async () => {
    const { payload, header } = await emitted();
    const stale = Stripe.webhooks.generateTestHeaderString({ payload, secret, timestamp: Math.floor(Date.now() / 1000) - 3600 });
    const attempts: [string, string, string][] = [
      [payload.replace('setup_failed', 'succeeded'), header, secret],
      [payload, header, 'whsec_other'],
      [payload, stale, secret],
      [payload, '', secret],
    ];
    for (const args of attempts) await expect(gateway.verifyWebhook(...args)).rejects.toBeInstanceOf(StripeWebhookSignatureError);
  });
});
