import { extractText, getDocumentProxy } from 'unpdf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Harness, HarnessFactory } from '../harness/types.ts';
import { advance, billingShop, type Client, offer } from './billing-helpers.ts';
import { card, formFields, openCheckout, postCheckout } from './checkout.suite.ts';

/**
 * VAT on invoices through the API, on Node and workerd (issue 12). Every expected amount below is
 * worked out by hand in the comment beside it: inclusive prices have their VAT extracted
 * (price × r / (1 + r), rounded half-up per line), exclusive ones get it added on top.
 */
export function vatSuite(factory: HarnessFactory): void {
  let h: Harness;
  beforeAll(async () => {
    h = await factory();
  });
  afterAll(async () => h?.close());

  const ORIGIN = 'https://shop.example';
  const FR_ADDRESS = { line1: '3 allée des Cèdres', postal_code: '69003', city: 'Lyon', country: 'FR' };
  const DE_ADDRESS = { line1: '1 Hauptstraße', postal_code: '10115', city: 'Berlin', country: 'DE' };
  const US_ADDRESS = { line1: '1 Main Street', postal_code: '10001', city: 'New York', country: 'US' };

  /** A French business registered for VAT (or under the franchise), with its two offers: TTC and HT. */
  async function frenchShop(regime: 'registered' | 'franchise' = 'registered') {
    const shop = await billingShop(h);
    const profile = await shop.api('PATCH', '/v1/account', { legal_name: 'Atelier Porte SAS', country: 'FR', vat_regime: regime });
    expect(profile.status, JSON.stringify(profile.body)).toBe(200);
    expect(profile.body).toMatchObject({ country: 'FR', vat_regime: regime });
    const ttc = await offer(shop.api, { reference: 'ttc', name: 'TTC', recurring: { amount: 2900, interval: 'month' } });
    const ht = await offer(shop.api, { reference: 'ht', name: 'HT', recurring: { amount: 2900, interval: 'month' }, tax_behavior: 'exclusive' });
    return { ...shop, ttc, ht };
  }

  async function customer(api: Client, address: Record<string, string>, extra: Record<string, unknown> = {}): Promise<string> {
    const res = await api('POST', '/v1/customers', { email: `c${Math.random().toString(36).slice(2, 8)}@example.com`, language: 'fr', billing_address: address, ...extra });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body.id;
  }

  /** The first invoice of a subscription billed by invoice (nothing is charged: the amounts are read as issued). */
  // biome-ignore lint/suspicious/noExplicitAny: API bodies are inspected field by field.
  async function firstInvoice(api: Client, customerId: string, offerId: string): Promise<any> {
    const s = await api('POST', '/v1/subscriptions', { customer: customerId, offer: offerId, collection_method: 'send_invoice' });
    expect(s.status, JSON.stringify(s.body)).toBe(201);
    return (await api('GET', `/v1/invoices/${s.body.latest_invoice}`)).body;
  }

  const pdfText = async (merchantKey: string, invoiceId: string): Promise<string> => {
    const res = await h.request(`/v1/invoices/${invoiceId}/pdf`, { headers: { authorization: `Bearer ${merchantKey}` } });
    expect(res.status).toBe(200);
    const { text } = await extractText(await getDocumentProxy(new Uint8Array(await res.arrayBuffer())), { mergePages: true });
    return text.replace(/\s+/g, ' ');
  };

  describe('VAT on invoices', () => {
    it('B2C France, 20 %: TTC prices have their VAT extracted, HT prices get it added', async () => {
      const { api, ttc, ht } = await frenchShop();
      const c = await customer(api, FR_ADDRESS);
      // 29,00 € TTC: VAT = 2900 × 20/120 = 483.33 → 483; excluding tax 2900 − 483 = 2417.
      const a = await firstInvoice(api, c, ttc);
      expect(a).toMatchObject({ subtotal: 2417, tax: 483, total: 2900, amount_due: 2900 });
      expect(a.lines).toEqual([expect.objectContaining({ unit_amount: 2417, amount: 2417, tax_rate: 20, tax_amount: 483 })]);
      // 29,00 € HT: VAT = 580, total 34,80 €.
      const b = await firstInvoice(api, c, ht);
      expect(b).toMatchObject({ subtotal: 2900, tax: 580, total: 3480, amount_due: 3480 });
      expect(b.lines).toEqual([expect.objectContaining({ unit_amount: 2900, amount: 2900, tax_rate: 20, tax_amount: 580 })]);
    });

    it('B2C Germany, 19 % (the customer’s country’s rate), setup fee and period each rounded on their own line', async () => {
      const { api } = await frenchShop();
      const setup = await offer(api, { reference: 'setup', name: 'Setup', amount_upfront: 999, recurring: { amount: 2900, interval: 'month' }, tax_behavior: 'exclusive' });
      const c = await customer(api, DE_ADDRESS);
      // Setup 9,99 € HT: 999 × 0.19 = 189.81 → 190. Period 29,00 € HT: 551. Total 999 + 2900 + 190 + 551 = 4640.
      const inv = await firstInvoice(api, c, setup);
      expect(inv.lines).toEqual([
        expect.objectContaining({ amount: 999, tax_rate: 19, tax_amount: 190 }),
        expect.objectContaining({ amount: 2900, tax_rate: 19, tax_amount: 551 }),
      ]);
      expect(inv).toMatchObject({ subtotal: 3899, tax: 741, total: 4640 });
      // 29,00 € TTC for a German consumer: 2900 × 19/119 = 463.03 → 463; excluding tax 2437.
      const ttc = await firstInvoice(api, c, (await api('GET', '/v1/offers/ttc')).body.id);
      expect(ttc).toMatchObject({ subtotal: 2437, tax: 463, total: 2900 });
    });

    it('B2B in another EU country with a valid VAT number: reverse charge at 0 %, the invoice says so', async () => {
      const { api, merchant, ht, ttc } = await frenchShop();
      const c = await customer(api, { ...DE_ADDRESS, tax_id: 'DE 136 695 976' }, { company: 'Muster GmbH' });
      // Stored as checked: spaces gone.
      expect((await api('GET', `/v1/customers/${c}`)).body.billing_address.tax_id).toBe('DE136695976');
      const inv = await firstInvoice(api, c, ht);
      expect(inv).toMatchObject({ subtotal: 2900, tax: 0, total: 2900 });
      expect(inv.lines).toEqual([expect.objectContaining({ amount: 2900, tax_rate: 0, tax_amount: 0 })]);
      // A TTC price holds no VAT here: the business pays the price, all of it excluding tax.
      expect(await firstInvoice(api, c, ttc)).toMatchObject({ subtotal: 2900, tax: 0, total: 2900 });
      expect(await pdfText(merchant.secretKey, inv.id)).toContain('Autoliquidation');
    });

    it('a French business buyer pays French VAT (no reverse charge at home)', async () => {
      const { api, ht } = await frenchShop();
      const c = await customer(api, { ...FR_ADDRESS, tax_id: 'FR40303265045' }, { company: 'Client SARL' });
      expect(await firstInvoice(api, c, ht)).toMatchObject({ subtotal: 2900, tax: 580, total: 3480 });
    });

    it('outside the EU: 0 %, with the mention', async () => {
      const { api, merchant, ht } = await frenchShop();
      const c = await customer(api, US_ADDRESS);
      const inv = await firstInvoice(api, c, ht);
      expect(inv).toMatchObject({ subtotal: 2900, tax: 0, total: 2900 });
      expect(inv.lines[0]).toMatchObject({ tax_rate: 0, tax_amount: 0 });
      expect(await pdfText(merchant.secretKey, inv.id)).toContain('hors Union européenne');
    });

    it('franchise en base: no VAT at all, the price is the amount, and the art. 293 B mention', async () => {
      const { api, merchant, ht, ttc } = await frenchShop('franchise');
      const c = await customer(api, FR_ADDRESS);
      for (const o of [ht, ttc]) {
        const inv = await firstInvoice(api, c, o);
        expect(inv).toMatchObject({ subtotal: 2900, tax: 0, total: 2900 });
        expect(inv.lines[0]).toMatchObject({ tax_rate: null, tax_amount: 0 });
      }
      const inv = await firstInvoice(api, c, ht);
      expect(await pdfText(merchant.secretKey, inv.id)).toContain('TVA non applicable, art. 293 B du CGI');
      expect((await api('GET', '/v1/account')).body.vat_regime).toBe('franchise');
    });

    it('an account without a country (no VAT set-up) bills exactly the price, as before VAT existed', async () => {
      const { api } = await billingShop(h);
      expect((await api('GET', '/v1/account')).body).toMatchObject({ country: null, vat_regime: 'registered' });
      const ht = await offer(api, { reference: 'ht', name: 'HT', recurring: { amount: 2900, interval: 'month' }, tax_behavior: 'exclusive' });
      const inv = await firstInvoice(api, await customer(api, FR_ADDRESS), ht);
      expect(inv).toMatchObject({ subtotal: 2900, tax: 0, total: 2900 });
      expect(inv.lines[0]).toMatchObject({ tax_rate: null, tax_amount: 0 });
    });

    it('renewals and the upcoming invoice carry the VAT of the customer’s current address', async () => {
      const { api, ht } = await frenchShop();
      const c = await customer(api, FR_ADDRESS);
      const s = (await api('POST', '/v1/subscriptions', { customer: c, offer: ht, collection_method: 'send_invoice' })).body;
      const upcoming = await api('GET', `/v1/invoices/upcoming?subscription=${s.id}`);
      expect(upcoming.body).toMatchObject({ subtotal: 2900, tax: 580, total: 3480 });
      // The customer moves to Germany: the next period is taxed at 19 % (551), preview and invoice alike.
      expect((await api('PATCH', `/v1/customers/${c}`, { billing_address: DE_ADDRESS })).status).toBe(200);
      expect((await api('GET', `/v1/invoices/upcoming?subscription=${s.id}`)).body).toMatchObject({ tax: 551, total: 3451 });
      await advance(api, new Date(Date.parse(s.current_period_end) + 3_600_000).toISOString());
      const renewal = (await api('GET', `/v1/subscriptions/${s.id}`)).body.latest_invoice;
      const inv = (await api('GET', `/v1/invoices/${renewal}`)).body;
      expect(inv).toMatchObject({ billing_reason: 'subscription_cycle', subtotal: 2900, tax: 551, total: 3451 });
      expect(inv.lines[0]).toMatchObject({ tax_rate: 19 });
    });
  });

  describe('VAT numbers and settings', () => {
    it('a bad VAT number is refused with 400 naming billing_address.tax_id, and nothing is saved', async () => {
      const { api } = await frenchShop();
      const cases: [Record<string, string>, string][] = [
        [{ ...FR_ADDRESS, tax_id: 'FR41303265045' }, 'wrong check digits'],
        [{ ...FR_ADDRESS, tax_id: 'DE136695976' }, 'a German number for a French address'],
        [{ ...DE_ADDRESS, tax_id: 'DE12345' }, 'too short'],
      ];
      for (const [address, why] of cases) {
        const res = await api('POST', '/v1/customers', { email: 'vat@example.com', billing_address: address });
        expect(res.status, why).toBe(400);
        expect(res.body.error.param, why).toBe('billing_address.tax_id');
      }
      expect((await api('GET', '/v1/customers?query=vat@example.com')).body.data).toEqual([]);
      const c = await customer(api, FR_ADDRESS);
      const patch = await api('PATCH', `/v1/customers/${c}`, { billing_address: { ...FR_ADDRESS, tax_id: 'FR00000000000' } });
      expect(patch.status).toBe(400);
      expect(patch.body.error.param).toBe('billing_address.tax_id');
      expect((await api('GET', `/v1/customers/${c}`)).body.billing_address.tax_id).toBeNull();
      // Outside the EU an identifier is kept as typed: no EU rule applies to it.
      const us = await customer(api, { ...US_ADDRESS, tax_id: '12-3456789' });
      expect((await api('GET', `/v1/customers/${us}`)).body.billing_address.tax_id).toBe('12-3456789');
      const session = await api('POST', '/v1/checkout_sessions', {
        offer: 'ttc', success_url: `${ORIGIN}/ok`, cancel_url: `${ORIGIN}/no`, prefill: { company: 'X', billing_address: { country: 'BE', tax_id: 'BE0123456789' } },
      });
      expect(session.status).toBe(400);
      expect(session.body.error.param).toBe('prefill.billing_address.tax_id');
    });

    it('vat_regime and tax_behavior are validated, and tax_behavior is frozen once subscribed like the price', async () => {
      const { api, ht } = await frenchShop();
      const bad = await api('PATCH', '/v1/account', { vat_regime: 'exempt' });
      expect(bad.status).toBe(400);
      expect(bad.body.error.param).toBe('vat_regime');
      const badOffer = await api('POST', '/v1/offers', { reference: 'x', name: 'X', currency: 'EUR', recurring: { amount: 100, interval: 'month' }, tax_behavior: 'included' });
      expect(badOffer.status).toBe(400);
      expect(badOffer.body.error.param).toBe('tax_behavior');
      expect((await api('GET', `/v1/offers/${ht}`)).body.tax_behavior).toBe('exclusive');
      expect((await api('PATCH', `/v1/offers/${ht}`, { tax_behavior: 'inclusive' })).body.tax_behavior).toBe('inclusive');
      await firstInvoice(api, await customer(api, FR_ADDRESS), ht);
      const frozen = await api('PATCH', `/v1/offers/${ht}`, { tax_behavior: 'exclusive' });
      expect(frozen.status).toBe(409);
      expect(frozen.body.error.param).toBe('tax_behavior');
    });

    it('the widget’s grid says whether prices include VAT, in both languages; nothing under the franchise', async () => {
      const labels = async (regime: 'registered' | 'franchise') => {
        const { api, merchant } = await frenchShop(regime);
        await api('POST', '/v1/pricing_tables', { reference: 'grid', offers: ['ttc', 'ht'] });
        const res = await h.request(`/widget/v1/pricing_tables/grid?key=${merchant.publishableKey}`, { headers: { Origin: ORIGIN } });
        expect(res.status).toBe(200);
        // biome-ignore lint/suspicious/noExplicitAny: API bodies are inspected field by field.
        return ((await res.json()) as any).offers.map((o: any) => [o.reference, o.tax_label, o.translations.fr?.tax_label ?? null]);
      };
      expect(await labels('registered')).toEqual([['ttc', 'incl. VAT', 'TTC'], ['ht', 'excl. VAT', 'HT']]);
      expect(await labels('franchise')).toEqual([['ttc', null, null], ['ht', null, null]]);
    });

    it('the grid painted from the server says "TTC"/"HT" to a French visitor and "incl. VAT"/"excl. VAT" to others', async () => {
      const { api, merchant } = await frenchShop('registered');
      await api('POST', '/v1/pricing_tables', { reference: 'grid', offers: ['ttc', 'ht'] });
      const html = async (locale: string) => {
        const res = await h.request(`/widget/v1/pricing_tables/grid?key=${merchant.publishableKey}&locale=${locale}`, { headers: { Origin: ORIGIN } });
        expect(res.status).toBe(200);
        return ((await res.json()) as { html: string }).html;
      };
      const fr = await html('fr');
      expect(fr).toMatch(/<small>TTC<\/small>/);
      expect(fr).toMatch(/<small>HT<\/small>/);
      expect(fr).not.toContain('VAT');
      const en = await html('en');
      expect(en).toContain('<small>incl. VAT</small>');
      expect(en).toContain('<small>excl. VAT</small>');
    });
  });

  describe('VAT at checkout', () => {
    const eur = (minor: number) => new Intl.NumberFormat('en', { style: 'currency', currency: 'EUR' }).format(minor / 100);

    it('"Due today" shows the VAT line; the customer pays it; a company’s VAT number earns the reverse charge', async () => {
      const { api, ht } = await frenchShop();
      const session = async () => (await api('POST', '/v1/checkout_sessions', { offer: ht, success_url: `${ORIGIN}/ok`, cancel_url: `${ORIGIN}/no` })).body.id as string;
      // A French consumer: 29,00 € HT + 5,80 € VAT = 34,80 €.
      const s1 = await session();
      const page = await openCheckout(h, s1);
      expect(page.html).toContain('VAT 20 %');
      expect(page.html).toContain(eur(580));
      expect(page.html).toContain(eur(3480));
      expect(page.html).toContain('Prices exclude VAT');
      const paid = await postCheckout(h, `/checkout/${s1}`, { csrf: page.csrf, ...formFields('fr-consumer@example.com'), company: '', due_total: '3480' });
      expect(paid.status, paid.html.slice(0, 300)).toBe(303);
      const sub1 = (await api('GET', `/v1/checkout_sessions/${s1}`)).body.subscription;
      const inv1 = (await api('GET', `/v1/invoices/${(await api('GET', `/v1/subscriptions/${sub1}`)).body.latest_invoice}`)).body;
      expect(inv1).toMatchObject({ status: 'paid', subtotal: 2900, tax: 580, total: 3480, amount_paid: 3480 });

      // A German company with a bad VAT number: the field is named, nothing is created.
      const s2 = await session();
      const page2 = await openCheckout(h, s2);
      const german = { ...formFields('gmbh@example.com'), company: 'Muster GmbH', line1: '1 Hauptstraße', postal_code: '10115', city: 'Berlin', country: 'DE' };
      const bad = await postCheckout(h, `/checkout/${s2}`, { csrf: page2.csrf, ...german, tax_id: 'DE12345', due_total: '3480' });
      expect(bad.status).toBe(422);
      expect(bad.html).toMatch(/id="f-tax_id"[^>]*aria-invalid="true"/);
      expect(bad.html).toContain('This is not a valid VAT number');
      expect((await api('GET', '/v1/customers?query=gmbh@example.com')).body.data).toEqual([]);
      // With a valid one the page showed 34,80 €, but a reverse charge makes it 29,00 €: the
      // customer is shown the new amount before anything is charged, then pays that.
      const changed = await postCheckout(h, `/checkout/${s2}`, { csrf: page2.csrf, ...german, tax_id: 'DE136695976', due_total: '3480' });
      expect(changed.status).toBe(422);
      expect(changed.html).toContain('the amount due today is now as shown');
      expect(changed.html).toContain('VAT reverse charged (0 %)');
      expect(changed.html).toContain('name="due_total" value="2900"');
      expect((await api('GET', '/v1/customers?query=gmbh@example.com')).body.data).toEqual([]);
      const ok = await postCheckout(h, `/checkout/${s2}`, { csrf: page2.csrf, ...german, tax_id: 'DE136695976', due_total: '2900', ...card('4242424242424242') });
      expect(ok.status, ok.html.slice(0, 300)).toBe(303);
      const done = (await api('GET', `/v1/checkout_sessions/${s2}`)).body;
      expect((await api('GET', `/v1/customers/${done.customer}`)).body.billing_address).toMatchObject({ country: 'DE', tax_id: 'DE136695976' });
      const inv2 = (await api('GET', `/v1/invoices/${(await api('GET', `/v1/subscriptions/${done.subscription}`)).body.latest_invoice}`)).body;
      expect(inv2).toMatchObject({ status: 'paid', subtotal: 2900, tax: 0, total: 2900, amount_paid: 2900 });
      expect(inv2.lines[0]).toMatchObject({ tax_rate: 0 });
    });

    it('TTC prices: the total does not move with the country, the VAT line says what it holds', async () => {
      const { api, ttc } = await frenchShop();
      const s = (await api('POST', '/v1/checkout_sessions', { offer: ttc, success_url: `${ORIGIN}/ok`, cancel_url: `${ORIGIN}/no`, prefill: { billing_address: { country: 'DE' } } })).body.id;
      const page = await openCheckout(h, s);
      // Prefilled German address: 29,00 € of which 19 % VAT, 4,63 €.
      expect(page.html).toContain('VAT 19 %');
      expect(page.html).toContain(eur(463));
      expect(page.html).toContain(eur(2900));
      expect(page.html).toContain('Prices include VAT');
      const paid = await postCheckout(h, `/checkout/${s}`, { csrf: page.csrf, ...formFields('ttc@example.com'), company: '', due_total: '2900' });
      expect(paid.status).toBe(303);
      const sub = (await api('GET', `/v1/checkout_sessions/${s}`)).body.subscription;
      const inv = (await api('GET', `/v1/invoices/${(await api('GET', `/v1/subscriptions/${sub}`)).body.latest_invoice}`)).body;
      // Paid from France in the end: 2900 × 20/120 = 483.33 → 483.
      expect(inv).toMatchObject({ subtotal: 2417, tax: 483, total: 2900, amount_paid: 2900 });
    });
  });
}
