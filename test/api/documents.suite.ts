import { extractText, getDocumentProxy } from 'unpdf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Harness, HarnessFactory } from '../harness/types.ts';
import { advance, all, BILLING_CARDS, billingShop, offer, subscribe } from './billing-helpers.ts';

/** GET /v1/invoices/{id}/pdf on both runtimes: the PDF read back by pdf.js agrees with the API. */
export function documentsSuite(factory: HarnessFactory): void {
  let h: Harness;
  beforeAll(async () => {
    h = await factory();
  });
  afterAll(async () => h?.close());

  /** Written here by hand, not by the app's formatters: what an accountant reads on the page. */
  const months = {
    en: ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'],
    fr: ['janvier', 'février', 'mars', 'avril', 'mai', 'juin', 'juillet', 'août', 'septembre', 'octobre', 'novembre', 'décembre'],
  };
  const longDate = (iso: string, locale: 'en' | 'fr') => {
    const d = new Date(iso);
    return `${d.getUTCDate()} ${months[locale][d.getUTCMonth()]} ${d.getUTCFullYear()}`;
  };
  /** Amounts under 1000 here: 2900 → "€29.00" / "29,00 €". */
  const euros = (minor: number, locale: 'en' | 'fr') => {
    const s = (Math.abs(minor) / 100).toFixed(2);
    const sign = minor < 0 ? '-' : '';
    return locale === 'fr' ? `${sign}${s.replace('.', ',')} €` : `${sign}€${s}`;
  };
  const pdfText = async (res: Response): Promise<string> => {
    const { text } = await extractText(await getDocumentProxy(new Uint8Array(await res.arrayBuffer())), { mergePages: true });
    return text.replace(/\s+/g, ' ');
  };

  describe('invoice PDF', () => {
    it('serves the invoice in the customer’s language, and its credit note once voided', async () => {
      const { api, merchant } = await billingShop(h);
      const basic = await offer(api, { reference: 'basic', name: 'Basic', recurring: { amount: 900, interval: 'month' } });
      const customer = (await api('POST', '/v1/customers', {
        email: 'pdf@example.com', first_name: 'Zoé', last_name: 'Lefèvre', language: 'fr',
        billing_address: { line1: '3 allée des Cèdres', postal_code: '69003', city: 'Lyon', country: 'FR' },
      })).body.id;
      const s = await api('POST', '/v1/subscriptions', { customer, offer: basic, collection_method: 'send_invoice' });
      const inv = (await api('GET', `/v1/invoices/${s.body.latest_invoice}`)).body;
      const auth = { authorization: `Bearer ${merchant.secretKey}` };
      const res = await h.request(`/v1/invoices/${inv.id}/pdf`, { headers: auth });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/pdf');
      const t = await pdfText(res);
      expect(t).toContain(`Facture ${inv.number}`);
      expect(t).toContain('Zoé Lefèvre');
      expect(t).toContain('3 allée des Cèdres');
      expect(t).toContain('Basic');
      expect(t).toContain('Total TTC 9,00 €');

      // The hosted invoice page links its PDF and printable view, behind the same signed token.
      const hosted = new URL(inv.hosted_invoice_url).pathname;
      const html = await (await h.request(hosted)).text();
      expect(html).toContain(`href="${hosted}/pdf"`);
      const hostedPdf = await h.request(`${hosted}/pdf`);
      expect(hostedPdf.headers.get('content-type')).toBe('application/pdf');
      expect(await pdfText(hostedPdf)).toContain(`Facture ${inv.number}`);
      const print = await h.request(`${hosted}/print`);
      expect(print.headers.get('content-security-policy')).toContain('nonce-');
      expect(await print.text()).toContain('Total TTC');
      expect((await h.request(`${hosted.slice(0, -2)}xx/pdf`)).status).toBe(404);
      // No credit note before a void; the API's own 404 shape.
      const none = await h.request(`/v1/invoices/${inv.id}/pdf?document=credit_note`, { headers: auth });
      expect(none.status).toBe(404);
      expect((await api('POST', `/v1/invoices/${inv.id}/void`)).status).toBe(200);
      const cn = await h.request(`/v1/invoices/${inv.id}/pdf?document=credit_note`, { headers: auth });
      expect(cn.status).toBe(200);
      const c = await pdfText(cn);
      expect(c).toMatch(/Avoir \S+-CN-\d+/);
      expect(c).toContain(`Annule la facture: ${inv.number}`);
      expect(c).toContain('Total TTC -9,00 €');
    });

    it('404 for another merchant’s invoice or an unknown id; 401 without a key; bad query names `document`', async () => {
      const a = await billingShop(h);
      const basic = await offer(a.api, { reference: 'basic', name: 'Basic', recurring: { amount: 900, interval: 'month' } });
      const customer = (await a.api('POST', '/v1/customers', { email: 'x@example.com' })).body.id;
      const s = await a.api('POST', '/v1/subscriptions', { customer, offer: basic, collection_method: 'send_invoice' });
      const b = await billingShop(h);
      expect((await h.request(`/v1/invoices/${s.body.latest_invoice}/pdf`, { headers: { authorization: `Bearer ${b.merchant.secretKey}` } })).status).toBe(404);
      expect((await h.request('/v1/invoices/in_nope/pdf', { headers: { authorization: `Bearer ${a.merchant.secretKey}` } })).status).toBe(404);
      expect((await h.request(`/v1/invoices/${s.body.latest_invoice}/pdf`)).status).toBe(401);
      const bad = await h.request(`/v1/invoices/${s.body.latest_invoice}/pdf?document=receipt`, { headers: { authorization: `Bearer ${a.merchant.secretKey}` } });
      expect(bad.status).toBe(400);
      expect(((await bad.json()) as { error: { param: string } }).error.param).toBe('document');
    });

    it('an accountant’s year: twelve months of a customer’s invoices download as PDFs whose numbers, dates and totals agree with the API', { timeout: 600_000 }, async () => {
      const { api, merchant } = await billingShop(h);
      const monthly = await offer(api, { reference: 'monthly', name: 'Monthly plan', recurring: { amount: 2900, interval: 'month' } });
      await advance(api, '2027-01-15T10:00:00.000Z');
      const { customer, subscription } = await subscribe(h, api, monthly, BILLING_CARDS.ok, 'accountant@example.com');
      const locale = (await api('GET', `/v1/customers/${customer}`)).body.language as 'en' | 'fr';
      await advance(api, '2027-07-01T00:00:00.000Z');
      await advance(api, '2028-01-16T00:00:00.000Z');
      const invoices = (await all(api, `/v1/invoices?subscription=${subscription}`)).sort((a, b) => Date.parse(a.finalized_at) - Date.parse(b.finalized_at));
      // The first invoice at signup, then one per month: 15 Feb 2027 … 15 Jan 2028.
      expect(invoices).toHaveLength(13);
      const auth = { authorization: `Bearer ${merchant.secretKey}` };
      const w = locale === 'fr'
        ? { title: 'Facture', issued: "Date d'émission:", ht: 'Total HT', ttc: 'Total TTC' }
        : { title: 'Invoice', issued: 'Issue date:', ht: 'Total excl. VAT', ttc: 'Total incl. VAT' };
      for (const inv of invoices) {
        expect(inv.status).toBe('paid');
        const res = await h.request(`/v1/invoices/${inv.id}/pdf`, { headers: auth });
        expect(res.status).toBe(200);
        const t = await pdfText(res);
        expect(t, inv.number).toContain(`${w.title} ${inv.number}`);
        expect(t, inv.number).toContain(`${w.issued} ${longDate(inv.finalized_at, locale)}`);
        expect(t, inv.number).toContain(`${w.ht} ${euros(inv.subtotal, locale)}`);
        expect(t, inv.number).toContain(`${w.ttc} ${euros(inv.total, locale)}`);
        if (inv.tax !== 0) expect(t, inv.number).toContain(euros(inv.tax, locale));
        expect(inv.subtotal + inv.tax).toBe(inv.total);
      }
      // Gapless and in the order of their dates: 000001, 000002, … (a single customer of a fresh account).
      const counters = invoices.map((i) => Number(/-(\d{6,})$/.exec(i.number)?.[1]));
      expect(counters).toEqual(Array.from({ length: 13 }, (_, k) => k + 1));
      expect(invoices.map((i) => i.finalized_at.slice(0, 7))).toEqual([
        '2027-01', '2027-02', '2027-03', '2027-04', '2027-05', '2027-06', '2027-07', '2027-08', '2027-09', '2027-10', '2027-11', '2027-12', '2028-01',
      ]);
    });

    it('credit notes have their own gapless series, each with its PDF, and invoices keep theirs', async () => {
      const { api, merchant } = await billingShop(h);
      const basic = await offer(api, { reference: 'basic', name: 'Basic', recurring: { amount: 1200, interval: 'month' } });
      const auth = { authorization: `Bearer ${merchant.secretKey}` };
      const open: { id: string; number: string }[] = [];
      for (let k = 0; k < 4; k++) {
        const customer = (await api('POST', '/v1/customers', { email: `cn-${k}@example.com`, language: 'en' })).body.id;
        const s = await api('POST', '/v1/subscriptions', { customer, offer: basic, collection_method: 'send_invoice' });
        open.push((await api('GET', `/v1/invoices/${s.body.latest_invoice}`)).body);
      }
      // Void the 1st, 3rd and 4th: three credit notes, numbered 1, 2, 3 in their own series.
      const notes: string[] = [];
      for (const inv of [open[0], open[2], open[3]]) {
        expect((await api('POST', `/v1/invoices/${inv?.id}/void`)).status).toBe(200);
        const t = await pdfText(await h.request(`/v1/invoices/${inv?.id}/pdf?document=credit_note`, { headers: auth }));
        const number = /Credit note (\S+-CN-\d{4}-\d{6})/.exec(t)?.[1] ?? '';
        expect(t).toContain(`Cancels invoice: ${inv?.number}`);
        expect(t).toContain('Total incl. VAT -€12.00');
        notes.push(number);
      }
      expect(notes.map((x) => Number(x.slice(-6)))).toEqual([1, 2, 3]);
      expect(new Set(notes.map((x) => x.slice(0, -6))).size).toBe(1);
      // The voided invoices keep their numbers: the invoice series is still 1, 2, 3, 4, and the next is 5.
      expect(open.map((i) => Number(i.number.slice(-6)))).toEqual([1, 2, 3, 4]);
      const customer = (await api('POST', '/v1/customers', { email: 'cn-next@example.com' })).body.id;
      const next = await api('POST', '/v1/subscriptions', { customer, offer: basic, collection_method: 'send_invoice' });
      expect(Number((await api('GET', `/v1/invoices/${next.body.latest_invoice}`)).body.number.slice(-6))).toBe(5);
      // A voided invoice's own PDF is still the invoice, unchanged.
      expect(await pdfText(await h.request(`/v1/invoices/${open[0]?.id}/pdf`, { headers: auth }))).toContain(`Invoice ${open[0]?.number}`);
    });
  });
}
