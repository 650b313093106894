import { afterAll, beforeAll, expect, it } from 'vitest';
import { client, type Harness, type HarnessFactory } from '../harness/types.ts';

/** The back-office's billing pages, through forms as a browser posts them (both runtimes). */
export function billingAdminSuite(factory: HarnessFactory): void {
  let h: Harness;
  beforeAll(async () => {
    h = await factory();
  });
  afterAll(async () => h?.close());

  it('creates a subscription billed by hand, lists its open invoice, marks it paid by check, advances the test clock', async () => {
    const m = await h.merchant();
    const api = client(h, m.secretKey);
    const offer = (await api('POST', '/v1/offers', { reference: 'basic', name: 'Basic', currency: 'EUR', recurring: { amount: 900, interval: 'month' } })).body.id;
    const customer = (await api('POST', '/v1/customers', { email: 'desk@example.com' })).body.id;
    let cookie = '';
    const send = async (path: string, form?: Record<string, string>) => {
      const headers: Record<string, string> = cookie ? { Cookie: cookie } : {};
      if (form) Object.assign(headers, { 'Content-Type': 'application/x-www-form-urlencoded', Origin: 'http://porte.test' });
      const res = await h.request(path, { method: form ? 'POST' : 'GET', headers, body: form && new URLSearchParams(form).toString(), redirect: 'manual' });
      const set = res.headers.getSetCookie().map((l) => l.split(';')[0]).filter((l) => l && !l.endsWith('='));
      if (set.length) cookie = [...new Map([...cookie.split('; ').filter(Boolean), ...set].map((kv) => [kv?.split('=')[0], kv])).values()].join('; ');
      return res;
    };
    const csrfOf = async (path: string) => /name="_csrf" value="([^"]+)"/.exec(await (await send(path)).text())?.[1] ?? '';
    const login = await send('/admin/login', { _csrf: await csrfOf('/admin/login'), email: `${m.slug}@example.com`, password: 'correct horse battery staple' });
    expect(login.status).toBe(303);

    const billing = `/admin/customers/${customer}/billing`;
    const created = await send(`/admin/customers/${customer}/subscriptions`, { _csrf: await csrfOf(billing), offer, collection_method: 'send_invoice', days_until_due: '10' });
    expect(created.headers.get('location')).toBe(`${billing}?done=1`);
    const [sub] = (await api('GET', `/v1/subscriptions?customer=${customer}`)).body.data;
    expect(sub).toMatchObject({ collection_method: 'send_invoice', days_until_due: 10, status: 'active' });
    const inv = (await api('GET', `/v1/invoices/${sub.latest_invoice}`)).body;
    const list = await (await send('/admin/invoices?status=open&locale=fr')).text();
    expect(list).toContain(inv.number);
    expect(list).toContain('Factures');
    // The filter in use is marked for screen readers (and styled from the same attribute); only it.
    expect([...list.matchAll(/<a [^>]*aria-current="page"[^>]*>([^<]*)</g)].map((m) => m[1]).filter((x) => x !== 'Factures')).toEqual(['Ouverte']);
    // Who the invoice is for, in words, linked to the customer: not a raw cus_ id.
    expect(list).toContain(`<a href="/admin/customers/${customer}">desk@example.com</a>`);
    expect(list).not.toContain(`>${customer}<`);
    expect(await (await send('/admin/invoices?status=paid')).text()).not.toContain(inv.number);

    const page = `/admin/invoices/${inv.id}`;
    expect(await (await send(page)).text()).toContain(`<a href="/admin/customers/${customer}">desk@example.com</a>`);
    const paid = await send(`${page}/pay`, { _csrf: await csrfOf(page), method: 'check' });
    expect(paid.headers.get('location')).toBe(`${page}?done=1`);
    expect((await api('GET', `/v1/invoices/${inv.id}`)).body).toMatchObject({ status: 'paid', paid_out_of_band: true });
    // Voiding it now is refused, in words, and changes nothing.
    const refused = await send(`${page}/void`, { _csrf: await csrfOf(page) });
    expect(refused.headers.get('location')).toMatch(/\?error=/);
    expect((await api('GET', `/v1/invoices/${inv.id}`)).body.status).toBe('paid');
    // Without the session's token nothing happens.
    expect((await send(`/admin/subscriptions/${sub.id}/cancel`, { _csrf: 'forged' })).status).toBe(403);
    expect((await api('GET', `/v1/subscriptions/${sub.id}`)).body.status).toBe('active');

    const to = new Date(Date.parse(sub.current_period_end) + 86_400_000).toISOString().slice(0, 16);
    const advanced = await send('/admin/test-clock', { _csrf: await csrfOf('/admin/test-clock'), to });
    expect(advanced.headers.get('location')).toBe('/admin/test-clock?done=1');
    expect((await api('GET', `/v1/invoices?subscription=${sub.id}`)).body.data).toHaveLength(2);
  });
}
