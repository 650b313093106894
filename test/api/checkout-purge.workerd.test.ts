import { afterAll, beforeAll, expect, it } from 'vitest';
import { client, type Harness } from '../harness/types.ts';
import { workerdHarness } from '../harness/workerd.ts';
import { sqlOf } from './checkout-rules.suite.ts';
import { formFields, offerBodies, openCheckout, postCheckout } from './checkout.suite.ts';

// On Workers the purge runs from the cron trigger, with the same code as the Node loop.
let h: Harness;
beforeAll(async () => {
  h = await workerdHarness();
});
afterAll(async () => h?.close());

const DAY = 24 * 60 * 60 * 1000;

it('the cron trigger purges open sessions expired beyond the retention, and only those', async () => {
  const m = await h.merchant();
  const api = client(h, m.secretKey);
  await api('POST', '/v1/offers', offerBodies.plain);
  const open = async () =>
    (await api('POST', '/v1/checkout_sessions', { offer: 'basic-monthly', success_url: 'https://shop.example/ok', cancel_url: 'https://shop.example/back' })).body.id as string;
  const [old, completed, recent, fresh] = [await open(), await open(), await open(), await open()];
  const page = await openCheckout(h, completed);
  expect((await postCheckout(h, `/checkout/${completed}`, { csrf: page.csrf, ...formFields('cron@example.com') })).status).toBe(303);
  // The worker's clock is the real one: move the rows back in time instead.
  const expiredAgo = (days: number) => new Date(Date.now() - days * DAY).toISOString();
  const sql = sqlOf(h);
  for (const [id, days] of [[old, 31], [completed, 60], [recent, 29]] as const) {
    await sql('UPDATE checkout_sessions SET expires_at = ? WHERE id = ? RETURNING id', [expiredAgo(days), id]);
  }
  const remaining = async () => (await sql<{ id: string }>('SELECT id FROM checkout_sessions WHERE merchant_id = ?', [m.id])).map((r) => r.id).sort();
  for (let i = 0; i < 20 && (await remaining()).includes(old); i++) {
    await h.scheduled?.();
    await new Promise((r) => setTimeout(r, 100));
  }
  expect(await remaining()).toEqual([completed, recent, fresh].sort());
  expect((await api('GET', `/v1/checkout_sessions/${completed}`)).body.status).toBe('complete');
});
