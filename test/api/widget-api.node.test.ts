import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeHarness } from '../harness/node.ts';
import { client } from '../harness/types.ts';

// The widget's public endpoints, as a merchant's page calls them (publishable key + Origin).
let h: Awaited<ReturnType<typeof nodeHarness>>;
beforeAll(async () => {
  h = await nodeHarness();
});
afterAll(async () => h?.close());

const ORIGIN = 'https://shop.example';

async function merchantWithOffer(mode: 'test' | 'live') {
  const m = await h.merchant({ mode });
  const offer = await client(h, m.secretKey)('POST', '/v1/offers', { reference: 'pro', name: 'Pro', currency: 'EUR', recurring: { amount: 2900, interval: 'month' } });
  expect(offer.status).toBe(201);
  return m;
}

function openSession(key: string, body: unknown, origin = ORIGIN) {
  return h.request(`/widget/v1/checkout_sessions?key=${key}`, { method: 'POST', headers: { Origin: origin, 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
}

describe('widget API', () => {
  it('in live mode, a customer reference needs its hash; a wrong hash is refused; the right one is accepted', async () => {
    const m = await merchantWithOffer('live');
    const noHash = await openSession(m.publishableKey, { offer: 'pro', customer: { reference: 'acct-1' }, page_url: `${ORIGIN}/pricing` });
    expect(noHash.status).toBe(400);
    expect((await noHash.json()).error).toMatchObject({ param: 'customer.hash', code: 'customer_hash_required' });
    const wrong = await openSession(m.publishableKey, { offer: 'pro', customer: { reference: 'acct-1', hash: 'a'.repeat(64) }, page_url: `${ORIGIN}/pricing` });
    expect(wrong.status).toBe(400);
    expect((await wrong.json()).error).toMatchObject({ param: 'customer.hash', code: 'customer_hash_invalid' });
    const hash = createHmac('sha256', m.embedSecret).update('acct-1').digest('hex');
    const ok = await openSession(m.publishableKey, { offer: 'pro', customer: { reference: 'acct-1', hash }, page_url: `${ORIGIN}/pricing` });
    expect(ok.status).toBe(201);
    expect(ok.headers.get('Access-Control-Allow-Origin')).toBe(ORIGIN);
    const session = await client(h, m.secretKey)('GET', `/v1/checkout_sessions/${(await ok.json()).id}`);
    expect(session.body).toMatchObject({ customer_reference: 'acct-1', success_url: `${ORIGIN}/pricing` });
  });

  it('refuses a secret key, an unknown origin, and a success_url off the allowed origins', async () => {
    const m = await merchantWithOffer('test');
    const secret = await openSession(m.secretKey, { offer: 'pro', page_url: `${ORIGIN}/` });
    expect(secret.status).toBe(401);
    expect((await secret.json()).error).toMatchObject({ code: 'secret_key_in_page', param: 'key' });
    const foreign = await openSession(m.publishableKey, { offer: 'pro', page_url: 'https://evil.example/' }, 'https://evil.example');
    expect(foreign.status).toBe(403);
    // The refusal (and nothing else) is readable by the page, so the widget can say which origin to add.
    expect(foreign.headers.get('Access-Control-Allow-Origin')).toBe('*');
    const refusal = await foreign.json();
    expect(Object.keys(refusal)).toEqual(['error']);
    expect(refusal.error).toMatchObject({ code: 'origin_not_allowed', message: expect.stringContaining('Add https://evil.example in Settings → Allowed origins') });
    const offsite = await openSession(m.publishableKey, { offer: 'pro', success_url: 'https://evil.example/thanks', page_url: `${ORIGIN}/` });
    expect(offsite.status).toBe(400);
    expect((await offsite.json()).error.param).toBe('success_url');
  });

  it('serves the pricing table with an ETag that revalidates to 304', async () => {
    const m = await merchantWithOffer('test');
    await client(h, m.secretKey)('POST', '/v1/pricing_tables', { reference: 'default', offers: ['pro'], highlighted: 'pro' });
    const first = await h.request(`/widget/v1/pricing_tables/default?key=${m.publishableKey}`, { headers: { Origin: ORIGIN } });
    expect(first.status).toBe(200);
    expect((await first.json()).offers.map((o: { reference: string }) => o.reference)).toEqual(['pro']);
    const etag = first.headers.get('ETag');
    expect(etag).toBeTruthy();
    const again = await h.request(`/widget/v1/pricing_tables/default?key=${m.publishableKey}`, { headers: { Origin: ORIGIN, 'If-None-Match': etag ?? '' } });
    expect(again.status).toBe(304);
  });
});
