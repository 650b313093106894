import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { purgeExpired } from '../../server/checkout/purge.ts';
import { nodeHarness } from '../harness/node.ts';
import { client } from '../harness/types.ts';
import { CARDS, card, formFields, offerBodies, openCheckout, postCheckout } from './checkout.suite.ts';

const DAY = 24 * 60 * 60 * 1000;

// The purge is driven by the injected clock, as the Node loop and the Workers cron run it.
describe('purge of expired checkout sessions', () => {
  let offset = 0;
  const clock = () => new Date(Date.now() + offset);
  let h: Awaited<ReturnType<typeof nodeHarness>>;
  beforeAll(async () => {
    h = await nodeHarness({ clock });
  });
  afterAll(async () => h?.close());

  const ids = async (merchantId: string) =>
    (await h.deps.db.all<{ id: string }>('SELECT id FROM checkout_sessions WHERE merchant_id = ? ORDER BY id', [merchantId])).map((r) => r.id).sort();

  it('deletes open sessions expired more than 30 days ago (and old attempts); keeps completed and recent ones', async () => {
    offset = 0;
    const merchant = await h.merchant();
    const api = client(h, merchant.secretKey);
    for (const body of Object.values(offerBodies)) await api('POST', '/v1/offers', body);
    const open = async () =>
      (await api('POST', '/v1/checkout_sessions', { offer: 'pro-monthly', success_url: 'https://shop.example/ok', cancel_url: 'https://shop.example/back' })).body.id as string;
    const abandoned = await open();
    const declinedOnce = await open();
    const completed = await open();
    const page = await openCheckout(h, declinedOnce);
    expect((await postCheckout(h, `/checkout/${declinedOnce}`, { csrf: page.csrf, ...formFields('old@example.com', card(CARDS.declined)) })).status).toBe(422);
    const done = await openCheckout(h, completed);
    expect((await postCheckout(h, `/checkout/${completed}`, { csrf: done.csrf, ...formFields('kept@example.com') })).status).toBe(303);
    const attempts = async () => (await h.deps.db.all('SELECT seq FROM payment_attempts WHERE merchant_id = ?', [merchant.id])).length;
    expect(await attempts()).toBe(1);

    // 29 days after expiry: still kept (the customer may ask what happened).
    offset = DAY + 29 * DAY;
    const recent = await open();
    await purgeExpired(h.deps.db, clock);
    expect(await ids(merchant.id)).toEqual([abandoned, declinedOnce, completed, recent].sort());

    // 31 days after expiry: the abandoned sessions and the old attempt go; the completed one and
    // the session that expired a day ago stay.
    offset = DAY + 31 * DAY;
    await purgeExpired(h.deps.db, clock);
    expect(await ids(merchant.id)).toEqual([completed, recent].sort());
    expect(await attempts()).toBe(0);
    expect((await api('GET', `/v1/checkout_sessions/${abandoned}`)).status).toBe(404);
    const kept = (await api('GET', `/v1/checkout_sessions/${completed}`)).body;
    expect(kept.status).toBe('complete');
    expect((await api('GET', `/v1/subscriptions/${kept.subscription}`)).status).toBe(200);
    // Idempotent: running again (another runner, the next tick) deletes nothing more.
    expect(await purgeExpired(h.deps.db, clock)).toEqual({ sessions: 0, attempts: 0 });
  });

  it('works through a backlog in chunks, leaving the rest for the next run', async () => {
    offset = 0;
    const merchant = await h.merchant();
    const api = client(h, merchant.secretKey);
    const offer = (await api('POST', '/v1/offers', offerBodies.plain)).body.id;
    const expired = new Date(Date.now() - 40 * DAY).toISOString();
    await h.deps.db.run(
      `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1200)
       INSERT INTO checkout_sessions (id, merchant_id, offer_id, success_url, cancel_url, expires_at, created_at)
       SELECT 'cs_backlog' || i, ?, ?, 'https://shop.example/ok', 'https://shop.example/back', ?, ? FROM n`,
      [merchant.id, offer, expired, expired],
    );
    expect(await purgeExpired(h.deps.db, clock, { chunk: 500, maxChunks: 2 })).toEqual({ sessions: 1000, attempts: 0 });
    expect((await ids(merchant.id)).length).toBe(200);
    expect((await purgeExpired(h.deps.db, clock, { chunk: 500, maxChunks: 2 })).sessions).toBe(200);
    expect(await ids(merchant.id)).toEqual([]);
  });
});
