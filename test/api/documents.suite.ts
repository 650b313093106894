import { extractText, getDocumentProxy } from 'unpdf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Harness, HarnessFactory } from '../harness/types.ts';
import { billingShop, offer } from './billing-helpers.ts';

/** GET /v1/invoices/{id}/pdf on both runtimes: the PDF read back by pdf.js agrees with the API. */
export function documentsSuite(factory: HarnessFactory): void {
  let h: Harness;
  beforeAll(async () => {
    h = await factory();
  });
  afterAll(async () => h?.close());

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
  });
}
