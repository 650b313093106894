import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ParsedMail } from 'mailparser';
import { drainEmails, EMAIL_BACKOFF_SECONDS } from '../../server/email/outbox.ts';
import type { EmailTransport } from '../../server/email/port.ts';
import { smtpTransport } from '../../server/email/smtp.ts';
import { eventStatement } from '../../server/events/outbox.ts';
import { nodeHarness } from '../harness/node.ts';
import { type SmtpInbox, startDropper, startSmtp } from '../harness/smtp.ts';
import { client, type TestMerchant } from '../harness/types.ts';

/** Emails through a real SMTP server started here, parsed with mailparser. */
describe('emails over SMTP', () => {
  let now = new Date('2026-11-25T10:00:00Z');
  let h: Awaited<ReturnType<typeof nodeHarness>>;
  let inbox: SmtpInbox;
  let dropper: Awaited<ReturnType<typeof startDropper>>;
  // The transport the app was given; tests swap what is behind it (a dropping host, a crash).
  let current: EmailTransport;
  let live: TestMerchant;
  const text = (m: ParsedMail | undefined) => m?.text ?? '';
  const html = (m: ParsedMail | undefined) => (typeof m?.html === 'string' ? m.html : '');
  const addresses = (a: ParsedMail['to'] | ParsedMail['from']) => (Array.isArray(a) ? a : a ? [a] : []).flatMap((x) => x.value.map((v) => v.address));

  const customer = async (m: TestMerchant, body: object) => {
    const res = await client(h, m.secretKey)('POST', '/v1/customers', body);
    expect(res.status).toBe(201);
    return res.body as { id: string };
  };
  const emit = (m: TestMerchant, type: Parameters<typeof eventStatement>[1], data: object) => h.deps.db.batch([eventStatement(m.id, type, data, now.toISOString())]);
  const emailRow = (where: string, ...params: string[]) =>
    h.deps.db.get<{ status: string; attempts: number; message_id: string; last_error: string | null }>(`SELECT status, attempts, message_id, last_error FROM emails WHERE ${where}`, params);

  beforeAll(async () => {
    inbox = await startSmtp();
    dropper = await startDropper();
    const smtp = smtpTransport(inbox.url);
    current = smtp;
    h = await nodeHarness({
      clock: () => now,
      config: { publicUrl: 'http://porte.test', emailFrom: 'billing@porte.test', recoveryMs: 60_000 },
      mailer: { send: (message) => current.send(message) },
    });
    live = await h.merchant({ mode: 'live' });
  });
  afterAll(async () => {
    await h?.close();
    await inbox?.close();
    await dropper?.close();
  });

  it('sends a receipt in the customer’s language, with both parts and the headers Porte chose', async () => {
    const c = await customer(live, { email: 'jeanne@example.fr', first_name: 'Jeanne', last_name: '<b>Dupont</b>', language: 'fr' });
    await emit(live, 'invoice.paid', {
      id: 'in_receipt1', object: 'invoice', number: 'ACME-2026-000007', status: 'paid', customer: c.id, currency: 'eur',
      total: 4900, amount_paid: 4900, amount_due: 0, hosted_invoice_url: 'http://porte.test/invoice/tok123',
    });
    const before = inbox.accepted.length;
    expect(await drainEmails(h.deps)).toBe(1);
    await inbox.waitFor(before + 1);
    const mail = inbox.accepted.at(-1);
    expect(addresses(mail?.to)).toEqual(['jeanne@example.fr']);
    expect(addresses(mail?.from)).toEqual(['billing@porte.test']);
    expect(mail?.from?.text).toContain(`Merchant ${live.slug}`);
    expect(mail?.subject).toBe(`Reçu de la facture ACME-2026-000007 de Merchant ${live.slug}`);
    const row = await emailRow("source_key = 'receipt:in_receipt1'");
    expect(row?.status).toBe('sent');
    expect(mail?.messageId).toBe(row?.message_id);
    expect(mail?.messageId).toMatch(/^<eml_[A-Za-z0-9]+@porte\.test>$/);
    // Both parts, in French, with the amount as a French reader writes it and the invoice link.
    expect(text(mail)).toContain('Bonjour Jeanne <b>Dupont</b>,');
    expect(text(mail).replace(/\s/g, ' ')).toContain('49,00 €');
    expect(text(mail)).toContain('http://porte.test/invoice/tok123');
    expect(html(mail)).toContain('href="http://porte.test/invoice/tok123"');
    expect(html(mail)).toContain('lang="fr"');
    // The customer's own name is text in the HTML, never markup.
    expect(html(mail)).toContain('&lt;b>Dupont&lt;/b>');
    expect(html(mail)).not.toContain('<b>Dupont</b>');
    expect(html(mail)).not.toMatch(/<script|<img/i);
  });

  it('confirms a subscription once, in English, with a portal link that opens the portal', async () => {
    const c = await customer(live, { email: 'sam@example.com', first_name: 'Sam', language: 'en' });
    const sub = { id: 'sub_confirm1', object: 'subscription', customer: c.id, offer: 'off_missing', status: 'active' };
    await emit(live, 'subscription.created', sub);
    await emit(live, 'checkout_session.completed', { id: 'cs_1', object: 'checkout_session', customer: c.id, subscription: 'sub_confirm1', status: 'complete' });
    const before = inbox.accepted.length;
    expect(await drainEmails(h.deps)).toBe(1);
    await inbox.waitFor(before + 1);
    const mail = inbox.accepted.at(-1);
    expect(addresses(mail?.to)).toEqual(['sam@example.com']);
    expect(mail?.subject).toContain('subscription with');
    expect(text(mail)).toContain('Hello Sam,');
    const link = /http:\/\/porte\.test\/portal\/[A-Za-z0-9_.-]+/.exec(text(mail))?.[0];
    expect(link).toBeTruthy();
    expect(html(mail)).toContain(`href="${link}"`);
    const portal = await h.request(new URL(link ?? '').pathname);
    expect(portal.status).toBe(200);
    expect(await portal.text()).toContain('"customerName":"Sam"');
    // Both events named the same subscription: one email only.
    expect(await drainEmails(h.deps)).toBe(0);
  });

  it('retries a server that refuses (4xx, then 5xx) after the backoff, and delivers once', async () => {
    const c = await customer(live, { email: 'retry@example.com', language: 'en' });
    inbox.refuse(2, 451);
    const refusedBefore = inbox.refused();
    await emit(live, 'invoice.payment_failed', { id: 'in_fail1', customer: c.id, currency: 'eur', total: 1500, amount_due: 1500, number: 'ACME-2026-000008' });
    expect(await drainEmails(h.deps)).toBe(0);
    expect(inbox.refused()).toBe(refusedBefore + 1);
    let row = await emailRow("source_key LIKE 'payment_failed:%' AND to_address = 'retry@example.com'");
    expect(row).toMatchObject({ status: 'pending', attempts: 1 });
    expect(row?.last_error).toContain('451');
    // Not due before its backoff has passed.
    expect(await drainEmails(h.deps)).toBe(0);
    expect(inbox.refused()).toBe(refusedBefore + 1);
    inbox.refuse(1, 550);
    now = new Date(now.getTime() + (EMAIL_BACKOFF_SECONDS[0] ?? 0) * 1000);
    expect(await drainEmails(h.deps)).toBe(0);
    row = await emailRow("source_key LIKE 'payment_failed:%' AND to_address = 'retry@example.com'");
    expect(row).toMatchObject({ status: 'pending', attempts: 2 });
    expect(row?.last_error).toContain('550');
    now = new Date(now.getTime() + (EMAIL_BACKOFF_SECONDS[1] ?? 0) * 1000);
    const before = inbox.accepted.length;
    expect(await drainEmails(h.deps)).toBe(1);
    await inbox.waitFor(before + 1);
    expect(addresses(inbox.accepted.at(-1)?.to)).toEqual(['retry@example.com']);
    expect(inbox.accepted.at(-1)?.subject).toContain('payment');
    expect((await emailRow("source_key LIKE 'payment_failed:%' AND to_address = 'retry@example.com'"))?.status).toBe('sent');
  });

  it('retries when the connection drops, then delivers', async () => {
    const c = await customer(live, { email: 'drop@example.com', language: 'en' });
    const smtp = current;
    current = smtpTransport(dropper.url);
    await emit(live, 'subscription.canceled', { id: 'sub_drop', customer: c.id, status: 'canceled' });
    expect(await drainEmails(h.deps)).toBe(0);
    expect(dropper.connections()).toBeGreaterThan(0);
    expect(await emailRow("to_address = 'drop@example.com'")).toMatchObject({ status: 'pending', attempts: 1 });
    current = smtp;
    now = new Date(now.getTime() + (EMAIL_BACKOFF_SECONDS[0] ?? 0) * 1000);
    const before = inbox.accepted.length;
    expect(await drainEmails(h.deps)).toBe(1);
    await inbox.waitFor(before + 1);
    expect(inbox.accepted.at(-1)?.subject).toContain('canceled');
  });

  it('a crash after the server accepted but before Porte recorded it resends the same Message-ID', async () => {
    const c = await customer(live, { email: 'crash@example.com', language: 'en' });
    const smtp = current;
    // The process "dies" right after the server accepted: the send never returns, nothing is recorded.
    current = { send: async (message) => { await smtp.send(message); return new Promise<never>(() => {}); } };
    await emit(live, 'subscription.trial_will_end', { id: 'sub_trial', customer: c.id, trial_end: '2026-11-28T10:00:00.000Z' });
    const before = inbox.accepted.length;
    void drainEmails(h.deps);
    await inbox.waitFor(before + 1);
    expect((await emailRow("to_address = 'crash@example.com'"))?.status).toBe('pending');
    current = smtp;
    // Another runner, before the lease ran out: the email is still claimed.
    expect(await drainEmails(h.deps)).toBe(0);
    now = new Date(now.getTime() + 61_000);
    expect(await drainEmails(h.deps)).toBe(1);
    await inbox.waitFor(before + 2);
    const copies = inbox.accepted.filter((m) => addresses(m.to).includes('crash@example.com'));
    expect(copies).toHaveLength(2);
    expect(copies[0]?.messageId).toBe(copies[1]?.messageId);
    // A server that keeps Message-IDs shows the customer one email.
    expect(inbox.mailbox().filter((m) => addresses(m.to).includes('crash@example.com'))).toHaveLength(1);
    expect(copies[0]?.subject).toContain('trial ends on 28 November 2026');
    expect((await emailRow("to_address = 'crash@example.com'"))?.status).toBe('sent');
  });

  it('never sends a test-mode merchant’s email: it is stored', async () => {
    const test = await h.merchant({ mode: 'test' });
    const tc = await customer(test, { email: 'test-mode@example.com', language: 'en' });
    const lc = await customer(live, { email: 'after-test@example.com', language: 'en' });
    await emit(test, 'invoice.paid', { id: 'in_test1', customer: tc.id, currency: 'eur', total: 900, amount_paid: 900, number: 'T-1' });
    await emit(live, 'invoice.paid', { id: 'in_live2', customer: lc.id, currency: 'eur', total: 900, amount_paid: 900, number: 'L-2' });
    const before = inbox.accepted.length;
    expect(await drainEmails(h.deps)).toBe(1);
    // The live merchant's email, written after the test one, arrived: the drain has run past it.
    await inbox.waitFor(before + 1);
    expect(inbox.accepted.flatMap((m) => addresses(m.to))).not.toContain('test-mode@example.com');
    expect(await emailRow("to_address = 'test-mode@example.com'")).toMatchObject({ status: 'stored', attempts: 0 });
  });
});
