/**
 * Invoice documents and emails (issue 12), in process on the app's real SQLite setup:
 *
 * - PDF render: `renderInvoicePdf` of a two-line B2B invoice (the fixtures of test/documents),
 *   p50/p95 over RENDERS renders, and its size. Baseline: pdf-lib writing one A4 page with one
 *   line of Helvetica, the least any PDF of ours costs.
 * - Emails/s through the outbox (`drainEmails`: lease, send, record, one at a time) to a local
 *   smtp-server over TCP with nodemailer's pooled transport; first plain emails (cancellations),
 *   then receipts, each with its invoice PDF rendered at send time. Baseline: the same plain
 *   messages sent straight from a loop through a pooled nodemailer transport, no database.
 */
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { SMTPServer } from 'smtp-server';
import { createApp } from '../server/app.ts';
import { betterSqliteDatabase, openSqlite } from '../server/db/better-sqlite3.ts';
import { migrateNode } from '../server/db/migrate-node.ts';
import type { Deps } from '../server/deps.ts';
import { renderInvoicePdf } from '../server/documents/pdf.ts';
import { fanOutEmails } from '../server/email/fanout.ts';
import { drainEmails } from '../server/email/outbox.ts';
import { smtpTransport } from '../server/email/smtp.ts';
import { eventStatement } from '../server/events/outbox.ts';
import { createMerchant } from '../server/merchants/service.ts';
import { kinds } from '../test/documents/fixtures.ts';
import { log, quantiles, repoRoot, type Row, tempDir } from './harness.ts';

export const name = 'documents';

const RENDERS = Number(process.env.BENCH_PDF_RENDERS ?? 200);
const EMAILS = Number(process.env.BENCH_EMAILS ?? 400);
const RECEIPTS = Number(process.env.BENCH_RECEIPTS ?? 100);

async function timed(n: number, work: () => Promise<Uint8Array>): Promise<{ ms: number[]; bytes: number }> {
  const ms: number[] = [];
  let bytes = 0;
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    bytes = (await work()).length;
    ms.push(performance.now() - t0);
  }
  return { ms, bytes };
}

async function blankPage(): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  pdf.addPage([595.28, 841.89]).drawText('Invoice', { x: 48, y: 790, size: 18, font });
  return pdf.save();
}

/** A local SMTP server that accepts everything and only counts (no parsing: the sender is measured). */
async function sink(): Promise<{ url: string; count: () => number; close: () => Promise<void> }> {
  let count = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    disableReverseLookup: true,
    onData(stream, _session, callback) {
      stream.on('end', () => {
        count++;
        callback();
      });
      stream.resume();
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return { url: `smtp://127.0.0.1:${port}`, count: () => count, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

export async function run(): Promise<Row[]> {
  log(`rendering ${RENDERS} invoice PDFs and ${RENDERS} one-line pages`);
  // Warm-up: the first render pays for module and font initialisation.
  await timed(10, () => renderInvoicePdf(kinds.b2b_fr));
  await timed(10, blankPage);
  const invoice = await timed(RENDERS, () => renderInvoicePdf(kinds.b2b_fr));
  const blank = await timed(RENDERS, blankPage);
  const qi = quantiles(invoice.ms);
  const qb = quantiles(blank.ms);

  const dir = tempDir(name);
  const sqlite = openSqlite(join(dir.path, 'porte.sqlite'));
  const smtp = await sink();
  const transport = smtpTransport(smtp.url);
  try {
    migrateNode(sqlite, join(repoRoot, 'migrations'));
    const deps: Deps = { db: betterSqliteDatabase(sqlite), clock: () => new Date(), config: { publicUrl: 'http://porte.bench', emailFrom: 'billing@porte.bench' }, mailer: transport };
    const app = createApp(deps);
    // Live mode: test-mode emails are kept, never sent.
    const { merchant, secretKey } = await createMerchant(deps.db, deps.clock, {
      slug: 'bench', name: 'Bench Shop', mode: 'live', allowedOrigins: ['http://127.0.0.1:*'],
      owner: { email: 'owner@bench.test', password: 'correct horse battery staple' },
    });
    const api = async (method: string, path: string, body: unknown) => {
      const res = await app.request(path, { method, headers: { Authorization: `Bearer ${secretKey}`, 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
      const json = (await res.json()) as Record<string, unknown>;
      if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
      return json;
    };
    const drainAll = async (expected: number) => {
      const before = smtp.count();
      const t0 = performance.now();
      for (let calls = 0; smtp.count() - before < expected && calls < expected; calls++) await drainEmails(deps, { limit: 50 });
      const seconds = (performance.now() - t0) / 1000;
      if (smtp.count() - before !== expected) throw new Error(`expected ${expected} emails, the server got ${smtp.count() - before}`);
      return expected / seconds;
    };

    log(`${EMAILS} cancellation emails through the outbox`);
    const customers: string[] = [];
    for (let i = 0; i < EMAILS; i++) customers.push(String((await api('POST', '/v1/customers', { email: `c${i}@bench.test`, language: i % 2 ? 'fr' : 'en' })).id));
    const at = new Date().toISOString();
    await deps.db.batch(customers.map((c, i) => eventStatement(merchant.id, 'subscription.canceled', { id: `sub_bench${i}`, customer: c, status: 'canceled' }, at)));
    // The rows are written (rendered) when their cause happens; the drain is what is measured.
    while ((await fanOutEmails(deps)) > 0);
    const plainRate = await drainAll(EMAILS);

    log('the same messages straight through nodemailer (baseline)');
    const rows = await deps.db.all<{ from_address: string; to_address: string; subject: string; html: string; text: string; message_id: string }>(
      "SELECT from_address, to_address, subject, html, text, message_id FROM emails WHERE kind = 'cancellation' ORDER BY seq",
    );
    const direct = nodemailer.createTransport({ url: smtp.url, pool: true, maxConnections: 1 });
    const t0 = performance.now();
    for (const r of rows) await direct.sendMail({ messageId: r.message_id, from: r.from_address, to: r.to_address, subject: r.subject, html: r.html, text: r.text });
    const directRate = rows.length / ((performance.now() - t0) / 1000);
    direct.close();

    log(`${RECEIPTS} receipts with their invoice PDF`);
    const offer = String((await api('POST', '/v1/offers', { reference: 'pro', name: 'Pro', currency: 'EUR', recurring: { amount: 2900, interval: 'month' } })).id);
    const invoices: string[] = [];
    for (let i = 0; i < RECEIPTS; i++) {
      const sub = await api('POST', '/v1/subscriptions', { customer: customers[i], offer, collection_method: 'send_invoice' });
      invoices.push(String(sub.latest_invoice));
    }
    await drainAll(RECEIPTS); // the subscription confirmations first
    for (const id of invoices) await api('POST', `/v1/invoices/${id}/pay`, { paid_out_of_band: true, method: 'bank_transfer' });
    while ((await fanOutEmails(deps)) > 0);
    const receiptRate = await drainAll(RECEIPTS);

    return [
      { metric: 'invoice PDF render p50 (vs one-line page)', unit: 'ms', value: qi.p50, baseline: qb.p50, decimals: 2 },
      { metric: 'invoice PDF render p95 (vs one-line page)', unit: 'ms', value: qi.p95, baseline: qb.p95, target: { on: 'value', atMost: 50 }, decimals: 2 },
      { metric: 'invoice PDF size (vs one-line page)', unit: 'bytes', value: invoice.bytes, baseline: blank.bytes, target: { on: 'value', atMost: 100_000 } },
      { metric: 'emails/s, outbox → SMTP (vs nodemailer loop)', unit: 'emails/s', value: plainRate, baseline: directRate, target: { on: 'ratio', atLeast: 0.5 }, decimals: 1 },
      { metric: 'receipts with PDF/s, outbox → SMTP', unit: 'emails/s', value: receiptRate, baseline: directRate, decimals: 1 },
    ];
  } finally {
    await smtp.close();
    sqlite.close();
    dir.dispose();
  }
}
