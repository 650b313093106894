import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Harness, HarnessFactory } from '../harness/types.ts';
import { billingShop, type Client, offer } from './billing-helpers.ts';
import { formFields, openCheckout, postCheckout } from './checkout.suite.ts';

/**
 * What customers and the back-office SEE of amounts with VAT (both runtimes): every "next charge"
 * is the upcoming invoice's total, the checkout summary's rows add up to what is due, invoice pages
 * show the subtotal and the VAT beside the total. Amounts are worked out by hand beside each check.
 */
export function vatDisplaySuite(factory: HarnessFactory): void {
  let h: Harness;
  beforeAll(async () => {
    h = await factory();
  });
  afterAll(async () => h?.close());

  const ORIGIN = 'https://shop.example';
  // Tags out, entities back, every run of spaces (no-break ones included) as one space.
  const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replaceAll('&#39;', "'").replaceAll('&amp;', '&').replace(/\s+/g, ' ');
  const eur = (minor: number, locale = 'en') => new Intl.NumberFormat(locale, { style: 'currency', currency: 'EUR' }).format(minor / 100).replace(/\s+/g, ' ');

  /** A French business registered for VAT. */
  async function frenchShop() {
    const shop = await billingShop(h);
    expect((await shop.api('PATCH', '/v1/account', { legal_name: 'Atelier Porte SAS', country: 'FR', vat_regime: 'registered' })).status).toBe(200);
    return shop;
  }

  /** A back-office session of the shop's owner: GET a page's text. */
  async function backOffice(slug: string): Promise<(path: string) => Promise<string>> {
    let cookie = '';
    const send = async (path: string, form?: Record<string, string>) => {
      const headers: Record<string, string> = cookie ? { Cookie: cookie } : {};
      if (form) Object.assign(headers, { 'Content-Type': 'application/x-www-form-urlencoded', Origin: 'http://porte.test' });
      const res = await h.request(path, { method: form ? 'POST' : 'GET', headers, body: form && new URLSearchParams(form).toString(), redirect: 'manual' });
      const set = res.headers.getSetCookie().map((l) => l.split(';')[0]).filter((l) => l && !l.endsWith('='));
      if (set.length) cookie = [...new Map([...cookie.split('; ').filter(Boolean), ...set].map((kv) => [kv?.split('=')[0], kv])).values()].join('; ');
      return res;
    };
    const csrf = /name="_csrf" value="([^"]+)"/.exec(await (await send('/admin/login')).text())?.[1] ?? '';
    expect((await send('/admin/login', { _csrf: csrf, email: `${slug}@example.com`, password: 'correct horse battery staple' })).status).toBe(303);
    return async (path) => text(await (await send(path)).text());
  }

  /** The checkout summary's rows, label → amount, in order. */
  const summaryRows = (html: string): [string, string][] =>
    [...(/<dl class="totals">([\s\S]*?)<\/dl>/.exec(html)?.[1] ?? '').matchAll(/<dt>([^<]*)<\/dt><dd>([^<]*)<\/dd>/g)].map((m) => [text(m[1] ?? '').trim(), text(m[2] ?? '').trim()]);

  async function session(api: Client, offerId: string, locale = 'en'): Promise<string> {
    const res = await api('POST', '/v1/checkout_sessions', { offer: offerId, locale, success_url: `${ORIGIN}/ok`, cancel_url: `${ORIGIN}/no` });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body.id;
  }

  describe('amounts with VAT as shown', () => {
    it('"Next charge" on the confirmation and back-office pages is the upcoming invoice’s total, VAT included', async () => {
      const { api, merchant } = await frenchShop();
      const basic = await offer(api, { reference: 'basic', name: 'Basic', recurring: { amount: 900, interval: 'month' }, tax_behavior: 'exclusive' });
      const id = await session(api, basic);
      const page = await openCheckout(h, id);
      // 9,00 € HT + 20 % (1,80 €) = 10,80 € today and at every renewal.
      const paid = await postCheckout(h, `/checkout/${id}`, { csrf: page.csrf, ...formFields('next@example.com'), due_total: '1080' });
      expect(paid.status, paid.html.slice(0, 300)).toBe(303);
      const done = (await api('GET', `/v1/checkout_sessions/${id}`)).body;
      expect((await api('GET', `/v1/invoices/upcoming?subscription=${done.subscription}`)).body.total).toBe(1080);

      const confirmation = text(await (await h.request(`/checkout/thanks?checkout_session_id=${id}&locale=en`)).text());
      expect(confirmation).toContain(`Charged today ${eur(1080)}`);
      expect(confirmation).toContain(`Next charge ${eur(1080)} on`);
      expect(confirmation).not.toContain(eur(900));

      const admin = await backOffice(merchant.slug);
      const billing = await admin(`/admin/customers/${done.customer}/billing?locale=en`);
      expect(billing).toMatch(new RegExp(`Next charge: \\d{4}-\\d{2}-\\d{2} \\(${eur(1080).replace('.', '\\.')}\\)`));
    });

    it('checkout summary, TTC with a setup fee, in French: both lines, « dont TVA », and they add up to what is due', async () => {
      const { api } = await frenchShop();
      const business = await offer(api, { reference: 'business', name: 'Business', amount_upfront: 4900, recurring: { amount: 29000, interval: 'year' } });
      const rows = summaryRows((await openCheckout(h, await session(api, business, 'fr'))).html);
      // 49,00 € + 290,00 € TTC = 339,00 €; VAT inside: 4900 × 20/120 = 816.67 → 817, 29000 × 20/120 = 4833.33 → 4833; 5650.
      expect(rows).toEqual([
        ['Frais de mise en service', eur(4900, 'fr')],
        ['Première période', eur(29000, 'fr')],
        ['dont TVA 20 %', eur(5650, 'fr')],
        ["À payer aujourd'hui", eur(33900, 'fr')],
      ]);
    });

    it('checkout summary, HT, in English: the lines plus the VAT row make the total', async () => {
      const { api } = await frenchShop();
      const ht = await offer(api, { reference: 'ht', name: 'HT', amount_upfront: 1000, recurring: { amount: 2900, interval: 'month' }, tax_behavior: 'exclusive' });
      const rows = summaryRows((await openCheckout(h, await session(api, ht))).html);
      // 10,00 € + 29,00 € HT = 39,00 €; VAT 200 + 580 = 780; total 4680.
      expect(rows).toEqual([
        ['Setup fee', eur(1000)],
        ['First period', eur(2900)],
        ['VAT 20 %', eur(780)],
        ['Due today', eur(4680)],
      ]);
    });

    it('a free trial with nothing due says nothing about VAT at 0', async () => {
      const { api } = await frenchShop();
      const trial = await offer(api, { reference: 'trial', name: 'Pro', recurring: { amount: 2900, interval: 'month' }, trial: { days: 14 }, tax_behavior: 'exclusive' });
      const html = (await openCheckout(h, await session(api, trial))).html;
      expect(summaryRows(html)).toEqual([
        ['Due today', eur(0)],
        ['Then', `${eur(2900)} / month`],
      ]);
      expect(text(html)).not.toContain('VAT 20 %');
    });

    it('the hosted and back-office invoice pages show the subtotal excluding VAT and the VAT beside the total', async () => {
      const { api, merchant } = await frenchShop();
      const basic = await offer(api, { reference: 'basic', name: 'Basic', recurring: { amount: 900, interval: 'month' }, tax_behavior: 'exclusive' });
      const pro = await offer(api, { reference: 'pro', name: 'Pro', recurring: { amount: 2900, interval: 'month' } });
      const customer = (await api('POST', '/v1/customers', { email: 'inv@example.com', billing_address: { line1: '3 allée des Cèdres', postal_code: '69003', city: 'Lyon', country: 'FR' } })).body.id;
      const invoiceOf = async (offerId: string) => {
        const s = await api('POST', '/v1/subscriptions', { customer, offer: offerId, collection_method: 'send_invoice' });
        expect(s.status, JSON.stringify(s.body)).toBe(201);
        return (await api('GET', `/v1/invoices/${s.body.latest_invoice}`)).body;
      };
      // 9,00 € HT: VAT 1,80 €, total 10,80 €.
      const a = await invoiceOf(basic);
      const url = new URL(a.hosted_invoice_url);
      const hosted = text(await (await h.request(`${url.pathname}${url.search}${url.search ? '&' : '?'}locale=en`)).text());
      expect(hosted).toContain(`Subtotal (excl. VAT): ${eur(900)}`);
      expect(hosted).toContain(`VAT 20 %: ${eur(180)}`);
      expect(hosted).toContain(`Total: ${eur(1080)}`);
      // 29,00 € TTC: VAT 2900 × 20/120 = 483.33 → 483, excluding tax 2417.
      const b = await invoiceOf(pro);
      const admin = await backOffice(merchant.slug);
      const desk = await admin(`/admin/invoices/${b.id}?locale=en`);
      expect(desk).toMatch(new RegExp(`Pro \\([^)]*\\): ${eur(2417).replace(".", "\\.")}`));
      expect(desk).toContain(`Subtotal (excl. VAT): ${eur(2417)}`);
      expect(desk).toContain(`VAT 20 %: ${eur(483)}`);
      expect(desk).toContain(`Total: ${eur(2900)}`);
    });
  });
}
