import { extractText, getDocumentProxy } from 'unpdf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Harness, HarnessFactory } from '../harness/types.ts';
import { advance, all, BILLING_CARDS, billingShop, type Client, offer, plusDays, subscribe } from './billing-helpers.ts';
import { APP_ORIGIN, postCheckout } from './checkout.suite.ts';
import { link, openPortal } from './portal.suite.ts';

const pdfText = async (res: Response): Promise<string> => {
  const { text } = await extractText(await getDocumentProxy(new Uint8Array(await res.arrayBuffer())), { mergePages: true });
  return text.replace(/\s+/g, ' ');
};

/** A customer billed by hand: the subscription's first invoice is finalized (open) at once. */
async function invoicedCustomer(api: Client, email: string, amount: number): Promise<{ customer: string; invoice: string }> {
  const basic = await offer(api, { reference: `basic-${amount}-${email.split('@')[0]}`, name: 'Basic', recurring: { amount, interval: 'month' } });
  const customer = (await api('POST', '/v1/customers', { email, first_name: 'Ada', billing_address: { line1: '1 rue X', postal_code: '75002', city: 'Paris', country: 'FR' } })).body.id;
  const s = await api('POST', '/v1/subscriptions', { customer, offer: basic, collection_method: 'send_invoice' });
  expect(s.status, JSON.stringify(s.body)).toBe(201);
  return { customer, invoice: s.body.latest_invoice };
}

/** The portal's invoice list and downloads, through its signed link only: the same on Node and workerd. */
export function portalInvoicesSuite(factory: HarnessFactory): void {
  let h: Harness;
  beforeAll(async () => {
    h = await factory();
  });
  afterAll(async () => h?.close());

  describe('portal invoices', () => {
    it('lists the customer’s own invoices (number, date, total, status) and serves each PDF through the link, with no API key', async () => {
      const { api } = await billingShop(h);
      const mine = await invoicedCustomer(api, 'mine@example.com', 1234);
      const theirs = await invoicedCustomer(api, 'theirs@example.com', 5678);
      const inv = (await api('GET', `/v1/invoices/${mine.invoice}`)).body;
      const other = (await api('GET', `/v1/invoices/${theirs.invoice}`)).body;
      const portal = await link(api, mine.customer);
      const page = await openPortal(h, portal.url);
      expect(page.status).toBe(200);
      expect(page.html).toContain(inv.number);
      expect(page.html).toContain('€12.34');
      // The finalization date, written by hand from the API's timestamp.
      const d = new Date(inv.finalized_at);
      const months = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
      expect(page.html).toContain(`${months[d.getUTCMonth()]} ${d.getUTCDate()}, ${d.getUTCFullYear()}`);
      expect(page.html).toContain('>Due<');
      // Another customer's invoice is not on this page.
      expect(page.html).not.toContain(other.number);
      expect(page.html).not.toContain('€56.78');

      const pdfPath = `${new URL(portal.url).pathname}/invoices/${inv.id}/pdf`;
      expect(page.html).toContain(`href="${pdfPath}?locale=en"`);
      const pdf = await h.request(pdfPath);
      expect(pdf.status).toBe(200);
      expect(pdf.headers.get('content-type')).toBe('application/pdf');
      const bytes = new Uint8Array(await pdf.clone().arrayBuffer());
      expect(new TextDecoder().decode(bytes.slice(0, 5))).toBe('%PDF-');
      const text = await pdfText(pdf);
      expect(text).toContain(inv.number);
      expect(text).toContain('12.34');
    });

    it('refuses another customer’s or another merchant’s invoice (404), a tampered link (403), a revoked link (403)', async () => {
      const { api } = await billingShop(h);
      const mine = await invoicedCustomer(api, 'a@example.com', 1000);
      const theirs = await invoicedCustomer(api, 'b@example.com', 2000);
      const elsewhere = await billingShop(h);
      const foreign = await invoicedCustomer(elsewhere.api, 'c@example.com', 3000);
      const base = new URL((await link(api, mine.customer)).url).pathname;
      for (const id of [theirs.invoice, foreign.invoice, 'in_nope']) {
        const res = await h.request(`${base}/invoices/${id}/pdf`);
        expect({ id, status: res.status, type: res.headers.get('content-type') }).toEqual({ id, status: 404, type: expect.stringContaining('text/html') });
      }
      expect((await h.request(`${base}/invoices/${mine.invoice}/pdf`)).status).toBe(200);
      expect((await h.request(`${base.slice(0, -3)}AAA/invoices/${mine.invoice}/pdf`)).status).toBe(403);
      expect((await api('POST', `/v1/customers/${mine.customer}/revoke_links`)).status).toBe(200);
      const revoked = await h.request(`${base}/invoices/${mine.invoice}/pdf`);
      expect(revoked.status).toBe(403);
      expect(revoked.headers.get('content-type')).not.toBe('application/pdf');
    });

    it('an open invoice waiting for 3-D Secure: "Pay" opens its hosted page, which completes the payment; the list then says Paid', async () => {
      const { api } = await billingShop(h);
      const pro = await offer(api, { reference: 'pro', name: 'Pro', recurring: { amount: 1500, interval: 'month' }, trial: { days: 3 } });
      const { customer, subscription } = await subscribe(h, api, pro, BILLING_CARDS.authEveryTime, 'pay@example.com');
      const trialEnd: string = (await api('GET', `/v1/subscriptions/${subscription}`)).body.trial_end;
      await advance(api, plusDays(trialEnd, 0));
      const [inv] = await all(api, `/v1/invoices?subscription=${subscription}`);
      expect(inv).toMatchObject({ status: 'open', payment_status: 'requires_action' });
      const portal = await link(api, customer);
      const page = await openPortal(h, portal.url);
      const pay = /<a class="button" href="([^"]+)" aria-label="Pay invoice ([^"]+)"/.exec(page.html);
      expect(pay?.[2]).toBe(inv.number);
      const hosted = new URL((pay?.[1] ?? '').replaceAll('&amp;', '&'), APP_ORIGIN);
      expect(hosted.pathname).toBe(new URL(inv.hosted_invoice_url).pathname);
      const html = await (await h.request(`${hosted.pathname}${hosted.search}`)).text();
      const csrf = /name="csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';
      const approved = await postCheckout(h, `${hosted.pathname}/challenge`, { csrf, outcome: 'approved' });
      expect(approved.location).toContain('done=paid');
      expect((await api('GET', `/v1/invoices/${inv.id}`)).body).toMatchObject({ status: 'paid', amount_paid: 1500 });
      const after = await openPortal(h, portal.url);
      expect(after.html).toContain('>Paid<');
      expect(after.html).not.toContain('aria-label="Pay invoice');
    });
  });
}
