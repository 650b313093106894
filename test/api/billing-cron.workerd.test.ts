import { afterAll, beforeAll, expect, it } from 'vitest';
import { client } from '../harness/types.ts';
import { workerdHarness } from '../harness/workerd.ts';
import { all, BILLING_CARDS, offer, subscribe } from './billing-helpers.ts';

// On Workers the billing run is the cron trigger's (server/entry/worker.ts `scheduled`), with the
// same code as the Node loop: a subscription whose trial has ended is invoiced and charged when the
// cron fires, and one whose trial has not is left alone.
let h: Awaited<ReturnType<typeof workerdHarness>>;

beforeAll(async () => {
  h = await workerdHarness();
});
afterAll(async () => {
  await h?.close();
});

const DAY = 86_400_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

it('the cron trigger runs the billing run: a due subscription gets its invoice and its charge', async () => {
  const m = await h.merchant();
  const api = client(h, m.secretKey);
  const short = await offer(api, { reference: 'short', name: 'Short trial', recurring: { amount: 1500, interval: 'month' }, trial: { days: 1 } });
  const long = await offer(api, { reference: 'long', name: 'Long trial', recurring: { amount: 2500, interval: 'month' }, trial: { days: 30 } });
  const due = await subscribe(h, api, short, BILLING_CARDS.ok, 'due@example.com');
  const later = await subscribe(h, api, long, BILLING_CARDS.ok, 'later@example.com');
  const before = (await api('GET', `/v1/subscriptions/${due.subscription}`)).body;
  expect(before.status).toBe('trialing');
  const sql = h.sql;
  if (!sql || !h.scheduled) throw new Error('the workerd harness runs SQL and fires the cron');

  // Two days pass in this test environment. Not through POST /v1/test_clock/advance, which would
  // run the billing itself: the clock's offset is set as the advance sets it, and only the cron bills.
  await sql("INSERT OR IGNORE INTO billing_settings (merchant_id, invoice_prefix, updated_at) VALUES (?, 'CRON', ?)", [m.id, new Date().toISOString()]);
  await sql('UPDATE billing_settings SET test_clock_offset_ms = ? WHERE merchant_id = ?', [2 * DAY, m.id]);
  const trialEnds = await all(api, '/v1/invoices');
  expect(trialEnds.filter((i) => i.billing_reason === 'trial_end')).toEqual([]);

  // One trigger: the run (in the trigger's waitUntil) renews and charges in the same chunk.
  await h.scheduled();
  let invoices = await all(api, `/v1/invoices?subscription=${due.subscription}`);
  for (const deadline = Date.now() + 30_000; !invoices.some((i) => i.status === 'paid') && Date.now() < deadline; ) {
    await sleep(100);
    invoices = await all(api, `/v1/invoices?subscription=${due.subscription}`);
  }
  const trialEnd = invoices.filter((i) => i.billing_reason === 'trial_end');
  expect(trialEnd).toHaveLength(1);
  expect(trialEnd[0]).toMatchObject({ status: 'paid', total: 1500, amount_paid: 1500, attempt_count: 1, customer: due.customer });
  expect(trialEnd[0].lines[0]).toMatchObject({ period_start: before.trial_end });
  const after = (await api('GET', `/v1/subscriptions/${due.subscription}`)).body;
  expect(after).toMatchObject({ status: 'active', current_period_start: before.trial_end, latest_invoice: trialEnd[0].id });

  // Charged once, as the gateway counts it: one succeeded charge for that amount, keyed by the invoice's attempt.
  const charges = await sql<{ amount: number; status: string; invoice_id: string }>(
    `SELECT g.amount, json_extract(g.result, '$.status') AS status, p.invoice_id FROM test_gateway_charges g
     JOIN invoice_payments p ON g.idempotency_key = 'porte_' || p.id WHERE p.merchant_id = ?`,
    [m.id],
  );
  expect(charges).toEqual([{ amount: 1500, status: 'succeeded', invoice_id: trialEnd[0].id }]);

  // The same run looked at the other subscription, whose trial has 28 days to go: nothing for it.
  expect((await all(api, `/v1/invoices?subscription=${later.subscription}`)).filter((i) => i.billing_reason === 'trial_end')).toEqual([]);
  expect((await api('GET', `/v1/subscriptions/${later.subscription}`)).body.status).toBe('trialing');
});
