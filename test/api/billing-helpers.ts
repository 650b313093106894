import { expect } from 'vitest';
import { client, type Harness, type TestMerchant } from '../harness/types.ts';
import { APP_ORIGIN, card, formFields, openCheckout, postCheckout } from './checkout.suite.ts';

export type Client = ReturnType<typeof client>;

/** CONTRACT.md's test cards for later charges (and 9987, a lost card: a hard decline). */
export const BILLING_CARDS = {
  ok: '4242424242424242',
  declined: '4000000000000341',
  insufficient: '4000000000009995',
  authEveryTime: '4000002760003184',
  authAtSetup: '4000002500003155',
  lost: '4000000000009987',
} as const;

export async function billingShop(h: Harness, mode: 'test' | 'live' = 'test'): Promise<{ merchant: TestMerchant; api: Client }> {
  const merchant = await h.merchant({ mode });
  return { merchant, api: client(h, merchant.secretKey) };
}

export async function offer(api: Client, body: Record<string, unknown>): Promise<string> {
  const res = await api('POST', '/v1/offers', { currency: 'EUR', ...body });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.id;
}

/** A customer signs up through the hosted checkout with a test card (3-D Secure approved when asked). */
export async function subscribe(h: Harness, api: Client, offerId: string, number: string, email: string): Promise<{ customer: string; subscription: string }> {
  const s = await api('POST', '/v1/checkout_sessions', { offer: offerId, customer_email: email, success_url: 'https://shop.example/ok', cancel_url: 'https://shop.example/no' });
  expect(s.status, JSON.stringify(s.body)).toBe(201);
  const page = await openCheckout(h, s.body.id);
  const posted = await postCheckout(h, `/checkout/${s.body.id}`, { csrf: page.csrf, ...formFields(email, card(number)) });
  expect(posted.status, posted.html.slice(0, 300)).toBe(303);
  if (posted.location?.includes('/challenge')) {
    const html = await (await h.request(new URL(posted.location, APP_ORIGIN).pathname)).text();
    const csrf = /name="csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';
    expect((await postCheckout(h, `/checkout/${s.body.id}/challenge`, { csrf, outcome: 'approved' })).status).toBe(303);
  }
  const done = await api('GET', `/v1/checkout_sessions/${s.body.id}`);
  expect(done.body.status).toBe('complete');
  return { customer: done.body.customer, subscription: done.body.subscription };
}

export async function advance(api: Client, to: string): Promise<void> {
  const res = await api('POST', '/v1/test_clock/advance', { to });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  expect(res.body).toMatchObject({ object: 'test_clock', status: 'ready' });
  expect(Date.parse(res.body.now)).toBeGreaterThanOrEqual(Date.parse(to));
}

/** Every page of a list. */
// biome-ignore lint/suspicious/noExplicitAny: API bodies are inspected field by field.
export async function all(api: Client, path: string): Promise<any[]> {
  // biome-ignore lint/suspicious/noExplicitAny: idem.
  const out: any[] = [];
  let after = '';
  for (;;) {
    const res = await api('GET', `${path}${path.includes('?') ? '&' : '?'}limit=100${after ? `&starting_after=${after}` : ''}`);
    expect(res.status).toBe(200);
    out.push(...res.body.data);
    if (!res.body.has_more) return out;
    after = res.body.data[res.body.data.length - 1].id;
  }
}

// An independent calendar for expectations: months walked on {y, m, d}, the day clamped.
const leap = (y: number): boolean => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
const monthLength = (y: number, m: number): number => [31, leap(y) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1] as number;
export function plusMonths(iso: string, months: number): string {
  const [date, time] = iso.split('T') as [string, string];
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const total = y * 12 + (m - 1) + months;
  const ny = Math.floor(total / 12);
  const nm = (total % 12) + 1;
  const nd = Math.min(d, monthLength(ny, nm));
  return `${ny}-${String(nm).padStart(2, '0')}-${String(nd).padStart(2, '0')}T${time}`;
}
export const plusDays = (iso: string, days: number): string => new Date(Date.parse(iso) + days * 86_400_000).toISOString();
