import BetterSqlite3 from 'better-sqlite3';
import fc from 'fast-check';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { betterSqliteDatabase, openSqlite } from '../../server/db/better-sqlite3.ts';
import { migrateNode } from '../../server/db/migrate-node.ts';
import type { Database } from '../../server/db/port.ts';
import {
  billingSettings,
  defaultPrefix,
  finalizeStatements,
  formatNumber,
  PREFIX_PATTERN,
  setBillingSettings,
  voidStatements,
} from '../../server/invoices/numbering.ts';

// Invoice numbers as an accountant reads them: the expected strings are written out by hand.
// The statements run on a real (in-memory) SQLite with the real migrations, as in production.

interface Env {
  db: Database;
  merchant: { id: string; slug: string };
  draft(id: string, total?: number): Promise<void>;
  invoice(id: string): Promise<Record<string, unknown>>;
  numbers(): Promise<string[]>;
  creditNotes(): Promise<{ number: string; invoice_id: string; total: number; currency: string; reason: string | null; created_at: string }[]>;
}

const migrationsDir = fileURLToPath(new URL('../../migrations', import.meta.url));

// Migrated once; each test starts from a copy of that empty database.
const template = (() => {
  const db = openSqlite(':memory:');
  migrateNode(db, migrationsDir);
  return db.serialize();
})();

function env(slug = 'demo'): Env {
  const sqlite = new BetterSqlite3(template);
  sqlite.pragma('foreign_keys = ON');
  const db = betterSqliteDatabase(sqlite);
  const merchant = { id: `mer_${slug}`, slug };
  const addMerchant = (m: { id: string; slug: string }) =>
    sqlite.prepare("INSERT INTO merchants (id, slug, name, mode, embed_secret, created_at) VALUES (?, ?, ?, 'test', 'x', '2026-01-01T00:00:00.000Z')").run(m.id, m.slug, m.slug);
  addMerchant(merchant);
  return {
    db,
    merchant,
    async draft(id, total = 1900) {
      await db.run(
        `INSERT INTO invoices (id, merchant_id, customer_id, status, billing_reason, collection_method, currency, subtotal, total, created_at, updated_at)
         VALUES (?, ?, 'cus_1', 'draft', 'subscription_cycle', 'charge_automatically', 'EUR', ?, ?, '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z')`,
        [id, merchant.id, total, total],
      );
    },
    async invoice(id) {
      return (await db.get<Record<string, unknown>>('SELECT * FROM invoices WHERE id = ?', [id]))!;
    },
    async numbers() {
      return (await db.all<{ number: string }>('SELECT number FROM invoices WHERE number IS NOT NULL ORDER BY number')).map((r) => r.number);
    },
    async creditNotes() {
      return db.all('SELECT number, invoice_id, total, currency, reason, created_at FROM credit_notes ORDER BY number');
    },
  };
}

const at = (iso: string) => new Date(iso);

async function finalize(e: Env, id: string, when = '2026-03-10T08:00:00.000Z', o: { dueDate?: string | null; nextPaymentAttempt?: string | null } = {}) {
  await e.db.batch(finalizeStatements({ merchant: e.merchant, invoiceId: id, at: at(when), dueDate: o.dueDate ?? null, nextPaymentAttempt: o.nextPaymentAttempt ?? null }));
}

describe('invoice numbers', () => {
  it('are given at finalization, one after the other, drafts having none', async () => {
    const e = env('demo');
    for (const id of ['in_a', 'in_b', 'in_c']) await e.draft(id);
    expect((await e.invoice('in_b')).number).toBeNull();
    await finalize(e, 'in_b');
    await finalize(e, 'in_a');
    await finalize(e, 'in_c');
    expect((await e.invoice('in_b')).number).toBe('DEMO-2026-000001');
    expect((await e.invoice('in_a')).number).toBe('DEMO-2026-000002');
    expect((await e.invoice('in_c')).number).toBe('DEMO-2026-000003');
    expect((await billingSettings(e.db, e.merchant)).invoiceCounter).toBe(3);
  });

  it('finalizing twice, or finalizing what is not a draft, takes no number', async () => {
    const e = env('shop');
    await e.draft('in_1');
    await finalize(e, 'in_1');
    await finalize(e, 'in_1', '2027-06-01T00:00:00.000Z');
    await finalize(e, 'in_missing');
    await e.draft('in_2');
    await finalize(e, 'in_2');
    expect(await e.numbers()).toEqual(['SHOP-2026-000001', 'SHOP-2026-000002']);
    expect((await e.invoice('in_1')).finalized_at).toBe('2026-03-10T08:00:00.000Z');
  });

  it('carry the UTC year of finalization, and the series runs on across New Year', async () => {
    const e = env('demo');
    for (const id of ['in_1', 'in_2']) await e.draft(id);
    // 23:30 UTC on 31 December is still 2026, whatever the server's time zone.
    await finalize(e, 'in_1', '2026-12-31T23:30:00.000Z');
    await finalize(e, 'in_2', '2027-01-01T00:00:00.000Z');
    expect(await e.numbers()).toEqual(['DEMO-2026-000001', 'DEMO-2027-000002']);
  });

  it('are per environment: two accounts each start at 000001', async () => {
    const e = env('alpha');
    const other = { id: 'mer_beta', slug: 'beta' };
    await e.db.run("INSERT INTO merchants (id, slug, name, mode, embed_secret, created_at) VALUES ('mer_beta', 'beta', 'Beta', 'test', 'x', '2026-01-01T00:00:00.000Z')");
    await e.draft('in_a1');
    await e.db.run(
      `INSERT INTO invoices (id, merchant_id, customer_id, status, billing_reason, collection_method, currency, subtotal, total, created_at, updated_at)
       VALUES ('in_b1', 'mer_beta', 'cus_2', 'draft', 'manual', 'send_invoice', 'EUR', 500, 500, '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z')`,
    );
    await finalize(e, 'in_a1');
    await e.db.batch(finalizeStatements({ merchant: other, invoiceId: 'in_b1', at: at('2026-03-10T08:00:00.000Z'), dueDate: null, nextPaymentAttempt: null }));
    expect(await e.numbers()).toEqual(['ALPHA-2026-000001', 'BETA-2026-000001']);
  });

  it('use the prefix the account chose, for the invoices finalized after the change', async () => {
    const e = env('demo');
    await e.draft('in_1');
    await finalize(e, 'in_1');
    await setBillingSettings(e.db, e.merchant, { invoicePrefix: 'ACME-FR' });
    // Changing only the dunning policy keeps the prefix.
    await setBillingSettings(e.db, e.merchant, { dunningPolicy: 'unpaid' });
    await e.draft('in_2');
    await finalize(e, 'in_2');
    expect(await e.numbers()).toEqual(['ACME-FR-2026-000002', 'DEMO-2026-000001']);
    expect(await billingSettings(e.db, e.merchant)).toMatchObject({ invoicePrefix: 'ACME-FR', dunningPolicy: 'unpaid', invoiceCounter: 2 });
    await setBillingSettings(e.db, e.merchant, { dunningPolicy: 'past_due' });
    expect(await billingSettings(e.db, e.merchant)).toMatchObject({ invoicePrefix: 'ACME-FR', dunningPolicy: 'past_due' });
  });

  it('go beyond six digits rather than wrap', () => {
    expect(formatNumber('DEMO', 2026, 42)).toBe('DEMO-2026-000042');
    expect(formatNumber('DEMO', 2026, 1_234_567)).toBe('DEMO-2026-1234567');
  });
});

describe('finalization', () => {
  it('opens an invoice with its due date and first charge date', async () => {
    const e = env('demo');
    await e.draft('in_1', 1900);
    await finalize(e, 'in_1', '2026-03-10T08:00:00.000Z', { dueDate: '2026-04-09T08:00:00.000Z', nextPaymentAttempt: '2026-03-10T08:00:00.000Z' });
    expect(await e.invoice('in_1')).toMatchObject({
      status: 'open',
      payment_status: 'none',
      finalized_at: '2026-03-10T08:00:00.000Z',
      due_date: '2026-04-09T08:00:00.000Z',
      next_payment_attempt: '2026-03-10T08:00:00.000Z',
      paid_at: null,
      updated_at: '2026-03-10T08:00:00.000Z',
    });
  });

  it('marks a zero-total invoice paid at once, with its number, and nothing left to charge', async () => {
    const e = env('demo');
    await e.draft('in_free', 0);
    await finalize(e, 'in_free', '2026-03-10T08:00:00.000Z', { nextPaymentAttempt: '2026-03-10T08:00:00.000Z' });
    expect(await e.invoice('in_free')).toMatchObject({
      number: 'DEMO-2026-000001',
      status: 'paid',
      payment_status: 'succeeded',
      paid_at: '2026-03-10T08:00:00.000Z',
      next_payment_attempt: null,
    });
  });
});

describe('voiding', () => {
  it('keeps the invoice number and cancels it with a credit note from its own series', async () => {
    const e = env('demo');
    for (const id of ['in_1', 'in_2']) await e.draft(id, 2400);
    await finalize(e, 'in_1');
    await finalize(e, 'in_2');
    await e.db.batch(voidStatements(e.merchant, 'in_2', 'cn_1', at('2026-03-12T09:00:00.000Z'), 'duplicate'));
    await e.db.batch(voidStatements(e.merchant, 'in_1', 'cn_2', at('2027-01-02T09:00:00.000Z'), null));
    expect(await e.invoice('in_2')).toMatchObject({ number: 'DEMO-2026-000002', status: 'void', voided_at: '2026-03-12T09:00:00.000Z', next_payment_attempt: null });
    expect(await e.creditNotes()).toEqual([
      { number: 'DEMO-CN-2026-000001', invoice_id: 'in_2', total: 2400, currency: 'EUR', reason: 'duplicate', created_at: '2026-03-12T09:00:00.000Z' },
      { number: 'DEMO-CN-2027-000002', invoice_id: 'in_1', total: 2400, currency: 'EUR', reason: null, created_at: '2027-01-02T09:00:00.000Z' },
    ]);
    expect(await billingSettings(e.db, e.merchant)).toMatchObject({ invoiceCounter: 2, creditNoteCounter: 2 });
  });

  it('does nothing to a draft, a paid invoice or one already void: no credit note number is burnt', async () => {
    const e = env('demo');
    await e.draft('in_draft');
    await e.draft('in_free', 0);
    await e.draft('in_open');
    await finalize(e, 'in_free');
    await finalize(e, 'in_open');
    const when = at('2026-03-12T09:00:00.000Z');
    await e.db.batch(voidStatements(e.merchant, 'in_draft', 'cn_a', when, null));
    await e.db.batch(voidStatements(e.merchant, 'in_free', 'cn_b', when, null));
    await e.db.batch(voidStatements(e.merchant, 'in_open', 'cn_c', when, null));
    await e.db.batch(voidStatements(e.merchant, 'in_open', 'cn_d', when, null));
    expect((await e.creditNotes()).map((c) => [c.number, c.invoice_id])).toEqual([['DEMO-CN-2026-000001', 'in_open']]);
    expect((await e.invoice('in_draft')).status).toBe('draft');
    expect((await e.invoice('in_free')).status).toBe('paid');
    expect((await billingSettings(e.db, e.merchant)).creditNoteCounter).toBe(1);
  });
});

describe('the series stays whole under any sequence of operations', () => {
  it('invoices numbered 1..n and credit notes 1..m, each once, whatever is finalized, refinalized or voided', async () => {
    type Op = { kind: 'finalize' | 'void'; invoice: number };
    const op = fc.record({ kind: fc.constantFrom<Op['kind']>('finalize', 'void'), invoice: fc.integer({ min: 0, max: 7 }) });
    await fc.assert(
      fc.asyncProperty(fc.array(op, { maxLength: 30 }), async (ops) => {
        const e = env('prop');
        for (let i = 0; i < 8; i++) await e.draft(`in_${i}`, 100 * i);
        // The model: a draft gets the next number when finalized; an open invoice can be voided once.
        const state = new Map<number, 'draft' | 'open' | 'paid' | 'void'>();
        let invoices = 0;
        let notes = 0;
        for (const [k, o] of ops.entries()) {
          const s = state.get(o.invoice) ?? 'draft';
          if (o.kind === 'finalize') {
            await finalize(e, `in_${o.invoice}`);
            if (s === 'draft') {
              invoices++;
              state.set(o.invoice, o.invoice === 0 ? 'paid' : 'open');
            }
          } else {
            await e.db.batch(voidStatements(e.merchant, `in_${o.invoice}`, `cn_${k}`, at('2026-03-11T00:00:00.000Z'), null));
            if (s === 'open') {
              notes++;
              state.set(o.invoice, 'void');
            }
          }
        }
        const seq = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}-2026-${String(i + 1).padStart(6, '0')}`);
        expect(await e.numbers()).toEqual(seq('PROP', invoices));
        expect((await e.creditNotes()).map((c) => c.number)).toEqual(seq('PROP-CN', notes));
      }),
      { numRuns: 40 },
    );
  });
});

describe('account settings', () => {
  it('start with a prefix made from the account slug and the cancel policy', async () => {
    const e = env('le-petit-atelier-de-paris');
    expect(await billingSettings(e.db, e.merchant)).toEqual({
      merchantId: 'mer_le-petit-atelier-de-paris',
      invoicePrefix: 'LEPETITATELI',
      invoiceCounter: 0,
      creditNoteCounter: 0,
      dunningPolicy: 'cancel',
      testClockOffsetMs: 0,
    });
  });

  it('default prefix: letters and digits of the slug, upper case, at most 12, INV when nothing is left', () => {
    expect(defaultPrefix('demo')).toBe('DEMO');
    expect(defaultPrefix('shop_42')).toBe('SHOP42');
    expect(defaultPrefix('abcdefghijklmnop')).toBe('ABCDEFGHIJKL');
    expect(defaultPrefix('---')).toBe('INV');
  });

  it('a chosen prefix: capitals, digits and dashes, 1 to 20 characters, not starting with a dash', () => {
    for (const ok of ['A', 'DEMO', 'ACME-FR', '2026', 'ABCDEFGHIJ0123456789']) expect(PREFIX_PATTERN.test(ok), ok).toBe(true);
    for (const bad of ['', '-DEMO', 'demo', 'DEMO FR', 'DEMO/FR', 'ABCDEFGHIJ01234567890', 'X\nY']) expect(PREFIX_PATTERN.test(bad), bad).toBe(false);
  });
});
