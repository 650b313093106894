// Emails through a real SMTP server (smtp-server, started here) on both runtimes: nodemailer on
// Node, worker-mailer over `cloudflare:sockets` in workerd. What arrives is parsed by mailparser
// and the receipt's attachment by pdf.js (unpdf): the oracle is what a mail client would show.
import type { ParsedMail } from 'mailparser';
import { extractText, getDocumentProxy } from 'unpdf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EMAIL_BACKOFF_SECONDS } from '../../server/email/outbox.ts';
import { signInAdmin } from '../harness/admin-agent.ts';
import { type SmtpInbox, startSmtp } from '../harness/smtp.ts';
import type { Harness, TestMerchant } from '../harness/types.ts';
import { billingShop, type Client, offer } from './billing-helpers.ts';

export interface DeliveryRuntime {
  /** The app with its mail transport pointed at `smtpUrl` (PORTE_SMTP_URL). */
  start(smtpUrl: string): Promise<Harness>;
  /** One run of the email drain (Node loop / Workers cron); may return before it is done. */
  drain(h: Harness): Promise<void>;
}

interface Row {
  id: string;
  status: string;
  attempts: number;
  message_id: string;
  last_error: string | null;
}

const addresses = (a: ParsedMail['to']) => (Array.isArray(a) ? a : a ? [a] : []).flatMap((x) => x.value.map((v) => v.address));
/** Written by hand, not by the app's formatter: 2900 → "29,00 €" (fr) / "€29.00" (en). */
const euros = (minor: number, locale: 'fr' | 'en') => {
  const s = (Math.abs(minor) / 100).toFixed(2);
  return locale === 'fr' ? `${minor < 0 ? '-' : ''}${s.replace('.', ',')} €` : `${minor < 0 ? '-' : ''}€${s}`;
};
const pdfText = async (bytes: Uint8Array) => (await extractText(await getDocumentProxy(new Uint8Array(bytes)), { mergePages: true })).text.replace(/\s+/g, ' ');

export function emailDeliverySuite(runtime: DeliveryRuntime): void {
  describe('emails over SMTP', () => {
    let inbox: SmtpInbox;
    let h: Harness;
    let live: { merchant: TestMerchant; api: Client };
    let n = 0;

    beforeAll(async () => {
      inbox = await startSmtp();
      h = await runtime.start(inbox.url);
      live = await billingShop(h, 'live');
    }, 180_000);
    afterAll(async () => {
      await h?.close();
      await inbox?.close();
    });

    const sql = <T>(q: string, p: (string | number | null)[] = []) => (h.sql as NonNullable<Harness['sql']>)<T>(q, p);
    /** The customer's receipt row (each customer here has one subscription confirmation, then one receipt). */
    const rowTo = async (to: string, kind = 'receipt') =>
      (await sql<Row>('SELECT id, status, attempts, message_id, last_error FROM emails WHERE to_address = ? AND kind = ?', [to, kind]))[0];
    const mailTo = (to: string) => inbox.accepted.filter((m) => addresses(m.to).includes(to) && /Receipt|Reçu/.test(m.subject ?? ''));
    /** Drains until the row is what the test waits for (the cron runs the drain in the background). */
    const drainUntil = async (to: string, check: (r: Row | undefined) => boolean, kind = 'receipt') => {
      await runtime.drain(h);
      await expect.poll(async () => check(await rowTo(to, kind)), { timeout: 30_000, interval: 200 }).toBe(true);
    };
    /** Skips the backoff: the row is due now (the clock of a live environment cannot be moved). */
    const makeDue = (to: string) => sql("UPDATE emails SET next_attempt_at = '2000-01-01T00:00:00.000Z' WHERE to_address = ? AND kind = 'receipt' AND status = 'pending'", [to]);

    /** A customer whose subscription's first invoice is paid by bank transfer: the receipt's cause. */
    async function paidInvoice(shop: { api: Client }, locale: 'fr' | 'en') {
      const email = `payer-${++n}@example.com`;
      const off = await offer(shop.api, { reference: `pro-${n}`, name: 'Pro', recurring: { amount: 2900, interval: 'month' } });
      const customer = (await shop.api('POST', '/v1/customers', {
        email, first_name: 'Zoé', last_name: 'Lefèvre', language: locale,
        billing_address: { line1: '3 allée des Cèdres', postal_code: '69003', city: 'Lyon', country: 'FR' },
      })).body.id as string;
      const sub = await shop.api('POST', '/v1/subscriptions', { customer, offer: off, collection_method: 'send_invoice' });
      expect(sub.status, JSON.stringify(sub.body)).toBe(201);
      // The subscription confirmation goes first, so that what the server does next meets the receipt.
      await drainUntil(email, (r) => r?.status === 'sent' || r?.status === 'stored', 'subscription_confirmation');
      const paid = await shop.api('POST', `/v1/invoices/${sub.body.latest_invoice}/pay`, { paid_out_of_band: true, method: 'bank_transfer' });
      expect(paid.body.status).toBe('paid');
      return { email, invoice: paid.body as { id: string; number: string; total: number; status: string } };
    }

    it('the receipt of a paid invoice carries that invoice’s PDF: its number and total as the API reports them', async () => {
      const { email, invoice } = await paidInvoice(live, 'fr');
      const before = inbox.accepted.length;
      await drainUntil(email, (r) => r?.status === 'sent');
      await inbox.waitFor(before + 1);
      const [mail] = mailTo(email);
      expect(mail?.subject).toContain(`Reçu de la facture ${invoice.number}`);
      expect(mail?.messageId).toBe((await rowTo(email))?.message_id);
      expect(mail?.attachments).toHaveLength(1);
      const file = mail?.attachments[0];
      expect(file?.filename).toBe(`${invoice.number}.pdf`);
      expect(file?.contentType).toBe('application/pdf');
      const bytes = new Uint8Array(file?.content ?? []);
      expect(new TextDecoder().decode(bytes.subarray(0, 5))).toBe('%PDF-');
      const text = await pdfText(bytes);
      expect(text).toContain(`Facture ${invoice.number}`);
      expect(text).toContain(`Total TTC ${euros(invoice.total, 'fr')}`);
      expect(text).toContain('Zoé Lefèvre');
      // The same document the API serves for this invoice, byte for byte.
      const api = await h.request(`/v1/invoices/${invoice.id}/pdf`, { headers: { authorization: `Bearer ${live.merchant.secretKey}` } });
      expect(new Uint8Array(await api.arrayBuffer())).toEqual(bytes);
    });

    it('the back-office shows a kept receipt with its PDF attachment (test mode: nothing sent)', async () => {
      const test = await billingShop(h, 'test');
      const { email, invoice } = await paidInvoice(test, 'en');
      await drainUntil(email, (r) => r?.status === 'stored');
      const id = (await rowTo(email))?.id;
      const agent = await signInAdmin(h, test.merchant);
      const page = await (await agent.send(`/admin/emails/${id}`)).text();
      const api = await h.request(`/v1/invoices/${invoice.id}/pdf`, { headers: { authorization: `Bearer ${test.merchant.secretKey}` } });
      const size = (await api.arrayBuffer()).byteLength;
      expect(page).toContain(`${invoice.number}.pdf (application/pdf, ${size} B)`);
      expect(mailTo(email)).toHaveLength(0);
    });

    it('a server that refuses (4xx, then 5xx) is retried after the backoff, and the email arrives once', async () => {
      const { email } = await paidInvoice(live, 'en');
      inbox.refuse(1, 451);
      await drainUntil(email, (r) => r?.attempts === 1 && r.status === 'pending');
      expect(await rowTo(email)).toMatchObject({ status: 'pending' });
      expect((await rowTo(email))?.last_error).toContain('451');
      // Not due yet: the next run leaves it alone (the first backoff is a minute or more).
      expect(EMAIL_BACKOFF_SECONDS[0]).toBeGreaterThanOrEqual(60);
      const due = (await sql<{ next_attempt_at: string }>('SELECT next_attempt_at FROM emails WHERE to_address = ?', [email]))[0]?.next_attempt_at ?? '';
      expect(Date.parse(due) - Date.now()).toBeGreaterThan(30_000);
      await makeDue(email);
      inbox.refuse(1, 550);
      await drainUntil(email, (r) => r?.attempts === 2 && r.status === 'pending');
      expect((await rowTo(email))?.last_error).toContain('550');
      await makeDue(email);
      await drainUntil(email, (r) => r?.status === 'sent');
      expect(mailTo(email)).toHaveLength(1);
    });

    it('a server that drops every connection before its greeting is retried once it is back', async () => {
      const { email } = await paidInvoice(live, 'en');
      const dropped = inbox.dropped();
      // Down for a while (nodemailer's pool itself reconnects a few times within a send).
      inbox.drop(1000, 'connect');
      await drainUntil(email, (r) => r?.attempts === 1 && r.status === 'pending');
      expect(inbox.dropped()).toBeGreaterThan(dropped);
      expect((await rowTo(email))?.last_error).toBeTruthy();
      inbox.drop(0, 'connect');
      await makeDue(email);
      await drainUntil(email, (r) => r?.status === 'sent');
      expect(mailTo(email)).toHaveLength(1);
    });

    it('a server that kept the message but dropped the connection before its 250 gets the same Message-ID again, so the customer sees one', async () => {
      const { email } = await paidInvoice(live, 'fr');
      inbox.drop(1, 'after-data');
      await drainUntil(email, (r) => r?.attempts === 1 && r.status === 'pending');
      expect(mailTo(email)).toHaveLength(1);
      expect(await rowTo(email)).toMatchObject({ status: 'pending' });
      await makeDue(email);
      await drainUntil(email, (r) => r?.status === 'sent');
      const copies = mailTo(email);
      expect(copies).toHaveLength(2);
      expect(copies[1]?.messageId).toBe(copies[0]?.messageId);
      expect(copies[1]?.messageId).toBe((await rowTo(email))?.message_id);
      expect(inbox.mailbox().filter((m) => m.messageId === copies[0]?.messageId)).toHaveLength(1);
    });

    it('after the last retry the email is marked failed, and no later run sends it', async () => {
      const { email } = await paidInvoice(live, 'en');
      inbox.refuse(1, 550);
      await drainUntil(email, (r) => r?.attempts === 1 && r.status === 'pending');
      // As if every backoff but the last had passed with a refusal.
      await sql("UPDATE emails SET attempts = ? WHERE to_address = ? AND kind = 'receipt'", [EMAIL_BACKOFF_SECONDS.length, email]);
      await makeDue(email);
      inbox.refuse(1, 550);
      await drainUntil(email, (r) => r?.status === 'failed');
      expect((await rowTo(email))?.last_error).toContain('550');
      // A later email is delivered: the failed one was passed over, not retried.
      const next = await paidInvoice(live, 'en');
      await drainUntil(next.email, (r) => r?.status === 'sent');
      expect(mailTo(email)).toHaveLength(0);
    });
  });
}
