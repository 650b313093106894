// Emails on both runtimes, in test mode: nothing leaves the machine, everything is kept and shown
// in the back-office (the list, the customer page, one email with its sandboxed HTML and text).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AdminAgent, signInAdmin } from '../harness/admin-agent.ts';
import { client, type Harness, type HarnessFactory, type TestMerchant } from '../harness/types.ts';
import { advance, BILLING_CARDS, offer, subscribe } from './billing-helpers.ts';

export interface EmailHooks {
  /** Writes an event through the app's outbox API (events/outbox.ts). */
  emit(h: Harness, merchantId: string, type: string, data: object): Promise<void>;
  /** Runs the outbox drain once (Node loop / Workers cron). */
  drain(h: Harness): Promise<void>;
}

const decode = (s: string) => s.replaceAll('&amp;', '&').replaceAll('&quot;', '"').replaceAll('&#39;', "'").replaceAll('&lt;', '<').replaceAll('&gt;', '>');

export function emailsSuite(factory: HarnessFactory, hooks: EmailHooks): void {
  describe('emails (stored, shown in the back-office)', () => {
    let h: Harness;
    let m: TestMerchant;
    let agent: AdminAgent;

    beforeAll(async () => {
      h = await factory();
      m = await h.merchant();
      agent = await signInAdmin(h, m);
    }, 180_000);
    afterAll(() => h?.close());

    const emailIds = async (path: string) => [...(await (await agent.send(path)).text()).matchAll(/href="\/admin\/emails\/(eml_\w+)"/g)].map((x) => x[1] ?? '');

    it('"Email the portal link" keeps a French email whose link opens the portal, shown with its text and sandboxed HTML', async () => {
      const customer = (await client(h, m.secretKey)('POST', '/v1/customers', { email: 'lea@example.fr', first_name: 'Léa', language: 'fr' })).body as { id: string };
      const page = `/admin/customers/${customer.id}`;
      const _csrf = await agent.token(page);
      const res = await agent.send(`${page}/email-portal-link`, { _csrf });
      expect(res.status).toBe(303);
      const after = await (await agent.send(page)).text();
      expect(after).toContain('lea@example.fr');
      expect(after).toContain('it is kept in “Emails”, not sent');
      const [id] = await emailIds(page);
      expect(id).toBeTruthy();
      expect(await emailIds('/admin/emails')).toContain(id);

      const detail = await agent.send(`/admin/emails/${id}`);
      const html = await detail.text();
      expect(decode(html)).toContain(`Le lien de votre espace client Merchant ${m.slug}`);
      expect(html).toContain('Kept, not sent');
      // A bare `sandbox` is the empty value: every restriction on (no scripts, no same-origin, no forms).
      expect(html).toMatch(/<iframe sandbox(="")? src="\/admin\/emails\/eml_\w+\/html"/);
      expect(detail.headers.get('Content-Security-Policy')).toContain("frame-src 'self'");
      const link = /http:\/\/porte\.test\/portal\/[A-Za-z0-9_.-]+/.exec(html)?.[0] ?? '';
      expect(decode(html)).toContain('Bonjour Léa,');
      const portal = await h.request(new URL(link).pathname);
      expect(portal.status).toBe(200);
      expect(await portal.text()).toContain('"customerName":"Léa"');

      const frame = await agent.send(`/admin/emails/${id}/html`);
      expect(frame.headers.get('Content-Security-Policy')).toMatch(/default-src 'none'.*sandbox/);
      const body = await frame.text();
      expect(body).toContain('lang="fr"');
      expect(body).toContain(`href="${link}"`);
    });

    it('an invited team member gets an email with the invitation link, in the inviter’s language', async () => {
      const _csrf = await agent.token('/admin/team');
      const res = await agent.send('/admin/team/invite?locale=en', { _csrf, email: 'new.member@example.com' });
      expect(res.status).toBe(303);
      const team = await (await agent.send('/admin/team')).text();
      const link = /http:\/\/porte\.test\/admin\/invite\/[A-Za-z0-9_-]+/.exec(team)?.[0] ?? '';
      expect(link).toBeTruthy();
      const ids = await emailIds('/admin/emails');
      const texts = await Promise.all(ids.map(async (id) => decode(await (await agent.send(`/admin/emails/${id}`)).text())));
      const invitation = texts.find((t) => t.includes('new.member@example.com'));
      expect(invitation).toContain(`You are invited to the Merchant ${m.slug} back-office`);
      expect(invitation).toContain(link);
    });

    it('a paid invoice event gives one receipt, kept, on the customer page', async () => {
      const customer = (await client(h, m.secretKey)('POST', '/v1/customers', { email: 'paid@example.com', first_name: 'Pat', language: 'en' })).body as { id: string };
      const invoice = { id: 'in_suite1', object: 'invoice', number: 'TEST-2026-000001', status: 'paid', customer: customer.id, currency: 'eur', total: 1990, amount_paid: 1990, amount_due: 0 };
      await hooks.emit(h, m.id, 'invoice.paid', invoice);
      await hooks.emit(h, m.id, 'invoice.paid', invoice);
      const page = `/admin/customers/${customer.id}`;
      let ids: string[] = [];
      for (let i = 0; i < 30 && ids.length === 0; i++) {
        await hooks.drain(h);
        ids = await emailIds(page);
      }
      expect(ids).toHaveLength(1);
      const detail = decode(await (await agent.send(`/admin/emails/${ids[0]}`)).text());
      expect(detail).toContain(`Receipt for invoice TEST-2026-000001 from Merchant ${m.slug}`);
      expect(detail).toContain('€19.90');
      expect(detail).toContain('Kept, not sent');
    });

    it('without PORTE_SMTP_URL even a live environment sends nothing: its receipt is kept, with the invoice PDF listed', async () => {
      const live = await h.merchant({ mode: 'live' });
      const api = client(h, live.secretKey);
      const offerId = await offer(api, { reference: 'live-basic', name: 'Basic', recurring: { amount: 900, interval: 'month' } });
      const customer = (await api('POST', '/v1/customers', { email: 'live-kept@example.com', language: 'en' })).body.id as string;
      const sub = await api('POST', '/v1/subscriptions', { customer, offer: offerId, collection_method: 'send_invoice' });
      const paid = await api('POST', `/v1/invoices/${sub.body.latest_invoice}/pay`, { paid_out_of_band: true, method: 'bank_transfer' });
      expect(paid.body.status).toBe('paid');
      const receipt = async () => (await h.sql?.<{ id: string; status: string; attempts: number }>("SELECT id, status, attempts FROM emails WHERE to_address = 'live-kept@example.com' AND kind = 'receipt'"))?.[0];
      for (let i = 0; i < 30 && !(await receipt()); i++) await hooks.drain(h);
      expect(await receipt()).toMatchObject({ status: 'stored', attempts: 0 });
      const liveAgent = await signInAdmin(h, live);
      const detail = decode(await (await liveAgent.send(`/admin/emails/${(await receipt())?.id}`)).text());
      expect(detail).toContain('Kept, not sent');
      expect(detail).toContain(`${paid.body.number}.pdf (application/pdf,`);
    });

    it('an invoice billed by hand is emailed to the customer: number, amount, due date, hosted link and PDF; in French for a French customer', async () => {
      const api = client(h, m.secretKey);
      const offerId = await offer(api, { reference: 'desk', name: 'Desk', recurring: { amount: 4500, interval: 'month' } });
      const sent = async (email: string, language: 'en' | 'fr') => {
        const customer = (await api('POST', '/v1/customers', { email, first_name: 'Max', language, payment_method: { type: 'bank_transfer' } })).body.id as string;
        const sub = await api('POST', '/v1/subscriptions', { customer, offer: offerId, collection_method: 'send_invoice', days_until_due: 30 });
        expect(sub.status, JSON.stringify(sub.body)).toBe(201);
        const inv = (await api('GET', `/v1/invoices/${sub.body.latest_invoice}`)).body as { number: string; due_date: string; hosted_invoice_url: string; finalized_at: string };
        // The due date is 30 days after finalization (an independent calendar, not the code's).
        expect(inv.due_date.slice(0, 10)).toBe(new Date(Date.parse(inv.finalized_at) + 30 * 86_400_000).toISOString().slice(0, 10));
        let ids: string[] = [];
        let subjects: string[] = [];
        for (let i = 0; i < 30 && !subjects.some((s) => s.includes(inv.number)); i++) {
          await hooks.drain(h);
          ids = await emailIds(`/admin/customers/${customer}`);
          subjects = await Promise.all(ids.map(async (id) => decode(/<h1[^>]*>([^<]*)<\/h1>/.exec(await (await agent.send(`/admin/emails/${id}`)).text())?.[1] ?? '')));
        }
        const id = ids[subjects.findIndex((s) => s.includes(inv.number))] ?? '';
        return { inv, id, detail: decode(await (await agent.send(`/admin/emails/${id}`)).text()) };
      };

      const en = await sent('desk-en@example.com', 'en');
      expect(en.detail).toContain(`Invoice ${en.inv.number} from Merchant ${m.slug}`);
      expect(en.detail).toContain('€45.00');
      const [y, mo, d] = en.inv.due_date.slice(0, 10).split('-').map(Number) as [number, number, number];
      const month = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'][mo - 1];
      expect(en.detail).toContain(`is due on ${d} ${month} ${y}`);
      expect(en.detail).toContain(en.inv.hosted_invoice_url);
      expect(en.detail).toContain(`${en.inv.number}.pdf (application/pdf,`);
      // The link in the email opens the invoice, which says how to pay it by hand.
      const hosted = await h.request(new URL(en.inv.hosted_invoice_url).pathname + new URL(en.inv.hosted_invoice_url).search);
      expect(hosted.status).toBe(200);
      expect(decode(await hosted.text())).toContain(`to pay this invoice by ${d} ${month} ${y}.`);

      const fr = await sent('desk-fr@example.com', 'fr');
      expect(fr.detail).toContain(`Facture ${fr.inv.number} de Merchant ${m.slug}`);
      expect(fr.detail).toContain('45,00\u00a0€');
      expect(fr.detail).toContain(`${fr.inv.number}.pdf (application/pdf,`);
    });

    it('a checkout and a renewal through the billing engine: one confirmation and a receipt per paid invoice, on the customer page', async () => {
      const api = client(h, m.secretKey);
      const offerId = await offer(api, { reference: 'gold', name: 'Gold <plan>', recurring: { amount: 1200, interval: 'month' } });
      const { customer } = await subscribe(h, api, offerId, BILLING_CARDS.ok, 'renewal@example.com');
      const now = Date.parse((await api('GET', '/v1/test_clock')).body.now);
      await advance(api, new Date(now + 32 * 86_400_000).toISOString());
      const paid = (await api('GET', `/v1/invoices?customer=${customer}&status=paid`)).body.data as { number: string }[];
      expect(paid.length).toBeGreaterThanOrEqual(2);
      const ids = await emailIds(`/admin/customers/${customer}`);
      const subjects = await Promise.all(ids.map(async (id) => decode(/<h1[^>]*>([^<]*)<\/h1>/.exec(await (await agent.send(`/admin/emails/${id}`)).text())?.[1] ?? '')));
      expect(subjects.filter((s) => s.includes('Your Gold <plan> subscription with'))).toHaveLength(1);
      const receipts = subjects.filter((s) => s.startsWith('Email: Receipt for invoice'));
      expect(receipts.map((s) => /invoice (\S+) from/.exec(s)?.[1]).sort()).toEqual(paid.map((i) => i.number).sort());
    });
  });
}
