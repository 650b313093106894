// Paths the suite never triggered (issue 9, point 18): a stored 4xx replayed, per-event webhook
// subscriptions, customer.anonymized delivered, DELETE refused while a subscription is active.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReceiver, type WebhookReceiver } from '../harness/receiver.ts';
import { client, type Harness } from '../harness/types.ts';
import { formFields, offerBodies, openCheckout, postCheckout } from './checkout.suite.ts';

/** `drain` runs the webhook outbox once (the Node loop's or the Workers cron's code). */
export function gapsSuite(factory: () => Promise<Harness>, drain: (h: Harness) => Promise<void>): void {
  let h: Harness;
  const receivers: WebhookReceiver[] = [];
  beforeAll(async () => {
    h = await factory();
  });
  afterAll(async () => {
    await Promise.all(receivers.map((r) => r.close()));
    await h?.close();
  });

  /** Drains until `done()` holds (the positive signal), at most ~10 s. */
  const drainUntil = async (done: () => boolean) => {
    for (let i = 0; i < 50 && !done(); i++) {
      await drain(h);
      if (!done()) await new Promise((r) => setTimeout(r, 200));
    }
    expect(done()).toBe(true);
  };

  describe('gaps in the API suites', () => {
    it('replays a stored 4xx for the same Idempotency-Key and body, even once the request would now succeed', async () => {
      const m = await h.merchant();
      const api = client(h, m.secretKey);
      const taken = await api('POST', '/v1/customers', { reference: 'acme-7', email: 'first@example.com' });
      const body = { reference: 'acme-7', email: 'second@example.com' };
      const headers = { 'Idempotency-Key': 'dup-ref-1' };
      const refused = await api('POST', '/v1/customers', body, headers);
      expect(refused.status).toBe(409);
      expect(refused.body.error.code).toBe('reference_taken');
      // The reference is free now: running the request again would create a customer.
      expect((await api('DELETE', `/v1/customers/${taken.body.id}`)).status).toBe(200);
      const replay = await api('POST', '/v1/customers', body, headers);
      expect(replay.status).toBe(409);
      expect(replay.headers.get('Idempotent-Replayed')).toBe('true');
      expect(replay.body).toEqual(refused.body);
      expect((await api('GET', '/v1/customers')).body.data).toHaveLength(0);
    });

    it('refuses DELETE /v1/customers/{id} (and anonymize) with 409 while a subscription is active', async () => {
      const m = await h.merchant();
      const api = client(h, m.secretKey);
      await api('POST', '/v1/offers', offerBodies.plain);
      const session = await api('POST', '/v1/checkout_sessions', { offer: 'basic-monthly', success_url: 'https://shop.example/thanks', cancel_url: 'https://shop.example/back' });
      const { csrf } = await openCheckout(h, session.body.id);
      const done = await postCheckout(h, `/checkout/${session.body.id}`, { ...formFields('active@example.com'), csrf });
      expect(done.status).toBe(303);
      const completed = await api('GET', `/v1/checkout_sessions/${session.body.id}`);
      const customerId: string = completed.body.customer;
      expect((await api('GET', `/v1/subscriptions/${completed.body.subscription}`)).body.status).toBe('active');
      for (const [method, path] of [
        ['DELETE', `/v1/customers/${customerId}`],
        ['POST', `/v1/customers/${customerId}/anonymize`],
      ] as const) {
        const res = await api(method, path);
        expect(res.status, path).toBe(409);
        expect(res.body.error.code, path).toBe('customer_has_active_subscription');
      }
      expect((await api('GET', `/v1/customers/${customerId}`)).body).toMatchObject({ email: 'active@example.com', status: 'active' });
    });

    it('delivers to each endpoint only the events it subscribed to, customer.anonymized included', async () => {
      const m = await h.merchant();
      const api = client(h, m.secretKey);
      const created = await startReceiver();
      const anonymized = await startReceiver();
      receivers.push(created, anonymized);
      created.secret = (await api('POST', '/v1/webhook_endpoints', { url: created.url, events: ['customer.created'] })).body.secret;
      anonymized.secret = (await api('POST', '/v1/webhook_endpoints', { url: anonymized.url, events: ['customer.anonymized'] })).body.secret;
      const customer = await api('POST', '/v1/customers', { email: 'forget.me@example.com', first_name: 'Ada' });
      await api('PATCH', `/v1/customers/${customer.body.id}`, { last_name: 'Lovelace' });
      expect((await api('POST', `/v1/customers/${customer.body.id}/anonymize`)).status).toBe(200);
      const types = (r: WebhookReceiver) => [...r.events.values()].map((e) => e.type);
      await drainUntil(() => created.events.size >= 1 && anonymized.events.size >= 1);
      // One more drain after both arrived: anything wrongly fanned out would be due now too.
      await drain(h);
      expect(types(created)).toEqual(['customer.created']);
      expect(types(anonymized)).toEqual(['customer.anonymized']);
      const [event] = anonymized.events.values();
      expect(event?.data).toMatchObject({ id: customer.body.id, status: 'anonymized' });
      expect(JSON.stringify(event?.data)).not.toContain('forget.me@example.com');
      expect(created.rejected() + anonymized.rejected()).toBe(0);
    });
  });
}
