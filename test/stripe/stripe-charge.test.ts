/**
 * Off-session charges through the Stripe adapter and the real `stripe` SDK, against the local
 * Stripe-protocol server: methods are saved the way checkout saves them (SetupIntent confirmed by
 * "Stripe.js"), then charged the way the billing engine charges them (one idempotency key per
 * payment attempt). The outcomes asserted are Stripe's documented test-card behaviours.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ChargeInput } from '../../server/gateways/port.ts';
import { type StripeGateway, stripeGateway } from '../../server/gateways/stripe.ts';
import { type FakeStripeServer, type JsonObject, startFakeStripeServer } from './fake-stripe-server.ts';

const PK = 'pk_test_porte';
let server: FakeStripeServer;
let gateway: StripeGateway;
let seq = 0;

const connect = (timeoutMs?: number) =>
  stripeGateway({ secretKey: 'sk_test_porte', publishableKey: PK, api: { host: server.host, port: server.port, protocol: 'http' }, ...(timeoutMs ? { timeoutMs } : {}) });

/** What Stripe.js does in the page with the publishable key and the client secret. */
async function browser(path: string, form: Record<string, string>): Promise<{ status: number; body: JsonObject }> {
  const res = await fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${PK}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form),
  });
  return { status: res.status, body: (await res.json()) as JsonObject };
}

const MANDATE = { 'mandate_data[customer_acceptance][type]': 'online', 'mandate_data[customer_acceptance][online][ip_address]': '203.0.113.9', 'mandate_data[customer_acceptance][online][user_agent]': 'test' };

/** Saves a payment method as checkout does; returns what Porte keeps (gateway refs). */
async function saved(token: string): Promise<{ ref: string; customer: string; type: 'card' | 'sepa_debit' }> {
  const base = `cs_charge_${++seq}`;
  const p = await gateway.prepare({ idempotencyBase: base, email: `c${seq}@example.com`, name: 'Ada', state: {}, metadata: {} });
  const seti = p.state.setup_intent!;
  const sepa = token.startsWith('pm_') && !token.startsWith('pm_card_');
  const confirmed = await browser(`/v1/setup_intents/${seti}/confirm`, { client_secret: p.clientSecret!, payment_method: token, ...(sepa ? MANDATE : {}) });
  expect(confirmed.status, JSON.stringify(confirmed.body)).toBe(200);
  if (confirmed.body.status === 'requires_action') server.authenticate(seti, 'succeed');
  if (confirmed.body.status === 'processing') server.settle();
  const result = await gateway.confirm({ idempotencyBase: base, state: p.state, fields: { setup_intent: seti }, returnUrl: 'http://porte.test/r' });
  if (result.status !== 'succeeded') throw new Error(`could not save ${token}: ${JSON.stringify(result)}`);
  return { ref: result.method.gatewayRef, customer: result.gatewayCustomerId!, type: result.method.type };
}

const input = (m: { ref: string; customer: string | null; type: 'card' | 'sepa_debit' }, amount = 2900): ChargeInput => ({
  idempotencyKey: `attempt_${++seq}`,
  amount,
  currency: 'EUR',
  method: { type: m.type, gatewayRef: m.ref },
  gatewayCustomerId: m.customer,
  description: 'Pro, December 2026',
  metadata: { porte_invoice: `in_${seq}` },
});

const intents = () => server.objects('payment_intent');

beforeAll(async () => {
  server = await startFakeStripeServer();
});
afterAll(() => server.close());
beforeEach(() => {
  gateway = connect();
  server.faultRates({});
});

describe('charge', () => {
  it('charges a saved card off-session once per attempt key, with the customer, amount and key on the PaymentIntent', async () => {
    const card = await saved('pm_card_visa');
    const charge = input(card);
    const result = await gateway.charge(charge);
    expect(result).toEqual({ status: 'succeeded', paymentId: expect.stringMatching(/^pi_/) });
    const pi = intents().find((o) => o.id === (result as { paymentId: string }).paymentId)!;
    expect(pi).toMatchObject({ amount: 2900, currency: 'eur', customer: card.customer, payment_method: card.ref, status: 'succeeded' });
    expect(pi.metadata).toEqual({ porte_invoice: charge.metadata.porte_invoice, porte_charge_key: charge.idempotencyKey });
    const request = server.requests.filter((r) => r.path === '/v1/payment_intents' && r.idempotencyKey === charge.idempotencyKey);
    expect(request).toHaveLength(1);

    // The same attempt again: Stripe replays, nothing new is charged.
    const count = intents().length;
    expect(await gateway.charge(charge)).toEqual(result);
    expect(intents()).toHaveLength(count);
  });

  it('maps declines: soft ones are retryable, lost/stolen/expired cards are hard', async () => {
    const customer = (await saved('pm_card_visa')).customer;
    const cases: [string, { code: string; declineCode: string; hard: boolean }][] = [
      ['pm_card_chargeDeclinedInsufficientFunds', { code: 'card_declined', declineCode: 'insufficient_funds', hard: false }],
      ['pm_card_chargeDeclined', { code: 'card_declined', declineCode: 'generic_decline', hard: false }],
      ['pm_card_chargeDeclinedLostCard', { code: 'card_declined', declineCode: 'lost_card', hard: true }],
      ['pm_card_chargeDeclinedStolenCard', { code: 'card_declined', declineCode: 'stolen_card', hard: true }],
      ['pm_card_chargeDeclinedExpiredCard', { code: 'expired_card', declineCode: 'expired_card', hard: true }],
      ['pm_card_chargeDeclinedFraudulent', { code: 'card_declined', declineCode: 'fraudulent', hard: true }],
    ];
    for (const [token, expected] of cases) {
      // These cards cannot be saved on Stripe (declined at setup), so they are charged by token, as a test PaymentMethod.
      const result = await gateway.charge(input({ ref: token, customer, type: 'card' }));
      expect({ token, ...result }).toMatchObject({ token, status: 'failed', paymentId: expect.stringMatching(/^pi_/), ...expected });
    }
  });

  it('a card saved fine whose charges fail (0341) gives a soft failure with the PaymentIntent', async () => {
    const card = await saved('pm_card_chargeCustomerFail');
    expect(await gateway.charge(input(card))).toMatchObject({ status: 'failed', code: 'card_declined', declineCode: 'generic_decline', hard: false });
  });

  it('4000 0027 6000 3184 needs authentication off-session: requires_action with a client secret the invoice page can confirm', async () => {
    const card = await saved('pm_card_authenticationRequired');
    const result = await gateway.charge(input(card));
    expect(result).toMatchObject({ status: 'requires_action', paymentId: expect.stringMatching(/^pi_/), clientSecret: expect.stringMatching(/_secret_/) });
    if (result.status !== 'requires_action') return;
    // Declined off-session (not a challenge shown to nobody): Stripe's answer to `off_session: true`.
    expect(intents().find((pi) => pi.id === result.paymentId)).toMatchObject({
      status: 'requires_payment_method',
      last_payment_error: { code: 'authentication_required', decline_code: 'authentication_required' },
    });
    // The hosted invoice page: Stripe.js confirms on-session with the saved method, the bank asks, the customer approves.
    const page = await browser(`/v1/payment_intents/${result.paymentId}/confirm`, { client_secret: result.clientSecret!, payment_method: card.ref });
    expect(page.body).toMatchObject({ status: 'requires_action' });
    server.authenticate(result.paymentId, 'succeed');
    const retrieved = await gateway.retrieve({ idempotencyKey: 'unused', paymentId: result.paymentId, charge: input(card) });
    expect(retrieved).toEqual({ status: 'succeeded', paymentId: result.paymentId });
  });

  it('4000 0025 0000 3155 asks for 3-D Secure once, at setup; later charges pass', async () => {
    const card = await saved('pm_card_authenticationRequiredOnSetup');
    expect(server.objects('payment_method').find((pm) => pm.id === card.ref)).toMatchObject({ card: { last4: '3155' } });
    expect(await gateway.charge(input(card))).toMatchObject({ status: 'succeeded' });
  });

  it('SEPA: processing for days, then succeeded; or a later soft failure for insufficient funds', async () => {
    const ok = await saved('pm_success_de');
    const first = await gateway.charge(input(ok));
    expect(first).toMatchObject({ status: 'processing' });
    if (first.status !== 'processing') return;
    const again = { idempotencyKey: 'x', paymentId: first.paymentId, charge: input(ok) };
    expect(await gateway.retrieve(again)).toMatchObject({ status: 'processing' });
    server.advance(60_000);
    expect(await gateway.retrieve(again)).toEqual({ status: 'succeeded', paymentId: first.paymentId });

    const poor = await saved('pm_insufficientFunds_de');
    const debit = await gateway.charge(input(poor));
    expect(debit).toMatchObject({ status: 'processing' });
    server.settle();
    expect(await gateway.retrieve({ idempotencyKey: 'x', paymentId: (debit as { paymentId: string }).paymentId, charge: input(poor) })).toMatchObject({
      status: 'failed',
      code: 'insufficient_funds',
      hard: false,
    });
  });

  it('answers unknown when every attempt times out after Stripe charged, and retrieve then finds that one charge', async () => {
    const card = await saved('pm_card_visa');
    const charge = input(card);
    server.failNext(3, 'timeout', { method: 'POST', path: '/v1/payment_intents' });
    expect(await connect(150).charge(charge)).toMatchObject({ status: 'unknown' });
    const made = intents().filter((pi) => (pi.metadata as JsonObject).porte_charge_key === charge.idempotencyKey);
    expect(made).toHaveLength(1);

    const found = await gateway.retrieve({ idempotencyKey: charge.idempotencyKey, paymentId: null, charge });
    expect(found).toEqual({ status: 'succeeded', paymentId: made[0]!.id });
    expect(intents().filter((pi) => (pi.metadata as JsonObject).porte_charge_key === charge.idempotencyKey)).toHaveLength(1);
  });

  it('finds the charge after Stripe forgot the key (24 h), instead of charging again', async () => {
    const card = await saved('pm_card_visa');
    const charge = input(card);
    server.failNext(3, 'timeout', { method: 'POST', path: '/v1/payment_intents' });
    expect(await connect(150).charge(charge)).toMatchObject({ status: 'unknown' });
    server.advance(25 * 60 * 60 * 1000);
    const count = intents().length;
    expect(await gateway.retrieve({ idempotencyKey: charge.idempotencyKey, paymentId: null, charge })).toMatchObject({ status: 'succeeded' });
    expect(intents()).toHaveLength(count);
  });

  it('retrieve of an attempt Stripe never executed (refused with 500s) charges it once, under the same key', async () => {
    const card = await saved('pm_card_visa');
    const charge = input(card);
    server.failNext(3, 'http500', { method: 'POST', path: '/v1/payment_intents' });
    expect(await gateway.charge(charge)).toMatchObject({ status: 'unknown' });
    expect(intents().filter((pi) => (pi.metadata as JsonObject).porte_charge_key === charge.idempotencyKey)).toHaveLength(0);
    expect(await gateway.retrieve({ idempotencyKey: charge.idempotencyKey, paymentId: null, charge })).toMatchObject({ status: 'succeeded' });
    expect(intents().filter((pi) => (pi.metadata as JsonObject).porte_charge_key === charge.idempotencyKey)).toHaveLength(1);
  });

  it('refuses a payment method of another customer as a hard failure, charging nothing', async () => {
    const a = await saved('pm_card_visa');
    const b = await saved('pm_card_visa');
    const count = intents().length;
    expect(await gateway.charge(input({ ...a, customer: b.customer }))).toMatchObject({ status: 'failed', paymentId: null, hard: true, code: 'payment_method_invalid_parameter' });
    expect(intents()).toHaveLength(count);
  });
});
