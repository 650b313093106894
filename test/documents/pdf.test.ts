import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { extractText, getDocumentProxy } from 'unpdf';
import { afterAll, describe, expect, it } from 'vitest';
import type { InvoiceDocument } from '../../server/documents/model.ts';
import { renderInvoicePdf } from '../../server/documents/pdf.ts';
import { creditNote, kinds } from './fixtures.ts';

/**
 * Each kind of invoice rendered to PDF, then read back by an independent PDF parser (pdf.js via
 * unpdf): the assertions are on what a reader of the file sees, written out by hand.
 */
const out = 'test-output/invoices';
mkdirSync(out, { recursive: true });
const timings: number[] = [];
const sizes: number[] = [];

async function render(name: string, d: InvoiceDocument): Promise<string> {
  const t0 = performance.now();
  const bytes = await renderInvoicePdf(d);
  timings.push(performance.now() - t0);
  sizes.push(bytes.length);
  writeFileSync(`${out}/${name}.pdf`, bytes);
  execFileSync('/usr/bin/pdftoppm', ['-png', '-r', '80', '-singlefile', `${out}/${name}.pdf`, `${out}/${name}`]);
  const pdf = await getDocumentProxy(new Uint8Array(bytes));
  const { text } = await extractText(pdf, { mergePages: true });
  // pdf.js splits runs on its own terms; compare on single spaces.
  return text.replace(/\s+/g, ' ');
}

const common = (t: string) => {
  expect(t).toContain('Atelier Étoile SAS');
  expect(t).toContain('12 rue de la Paix');
};

describe('invoice PDFs, text read back from the file', () => {
  it('B2C France (fr): seller identity, 20 % VAT, totals; no B2B terms', async () => {
    const t = await render('b2c-fr', kinds.b2c_fr);
    common(t);
    expect(t).toContain('Facture DEMO-2026-000001');
    expect(t).toContain('SIREN : 303265045');
    expect(t).toContain('N° TVA intracommunautaire : FR40303265045');
    expect(t).toContain('Zoé Lefèvre');
    expect(t).toContain("Date d'émission: 1 mars 2026");
    expect(t).toContain('Abonnement Pro — mensuel');
    expect(t).toContain('01/03/2026 – 01/04/2026');
    // 29,00 + 3 × 5,00 = 44,00 HT; 20 % = 8,80; 52,80 TTC.
    expect(t).toContain('Total HT 44,00 €');
    expect(t).toContain('TVA 20 % (44,00 €) 8,80 €');
    expect(t).toContain('Total TTC 52,80 €');
    expect(t).not.toContain('40 €');
  });

  it('B2B France (fr): buyer VAT number, late-payment penalties and the €40 fee', async () => {
    const t = await render('b2b-fr', kinds.b2b_fr);
    expect(t).toContain('Boulangerie Dupré SARL');
    expect(t).toContain('TVA 20 %');
    expect(t).toContain("trois fois le taux d'intérêt légal");
    expect(t).toContain('frais de recouvrement : 40 €');
  });

  it('B2B other EU (en): reverse charge at 0 % with "Autoliquidation"', async () => {
    const t = await render('b2b-eu-reverse-charge', kinds.b2b_eu);
    expect(t).toContain('Invoice DEMO-2026-000003');
    expect(t).toContain('Müller GmbH');
    expect(t).toContain('VAT number: DE136695976');
    expect(t).toContain('Autoliquidation');
    expect(t).toContain('Total excl. VAT €44.00');
    expect(t).toContain('Total incl. VAT €44.00');
    expect(t).toContain('fixed recovery fee of EUR 40');
  });

  it('outside the EU (en): 0 % and the reason', async () => {
    const t = await render('outside-eu', kinds.outside_eu);
    expect(t).toContain('Acme Inc.');
    expect(t).toContain('outside the European Union');
    expect(t).toContain('Total incl. VAT €44.00');
  });

  it('franchise (fr): "TVA non applicable, art. 293 B du CGI", no VAT number for the seller', async () => {
    const t = await render('franchise', kinds.franchise);
    expect(t).toContain('Jeanne Martin EI');
    expect(t).toContain('TVA non applicable, art. 293 B du CGI');
    expect(t).not.toContain('N° TVA intracommunautaire');
    expect(t).toContain('Total TTC 44,00 €');
  });

  it('credit note (fr): its own number, the invoice it cancels, negative totals', async () => {
    const t = await render('credit-note', creditNote);
    expect(t).toContain('Avoir DEMO-2026-CN-000001');
    expect(t).toContain('Annule la facture: DEMO-2026-000002');
    expect(t).toMatch(/Total TTC -52,80 €/);
  });

  it('characters outside WinAnsi are replaced, not fatal', async () => {
    const d = { ...kinds.b2c_fr, buyer: { ...kinds.b2c_fr.buyer, name: 'Łukasz Žák 日本' } };
    const t = await render('non-latin', d);
    expect(t).toContain('Lukasz Žák ??');
  });

  afterAll(() => {
    const s = [...timings].sort((a, b) => a - b);
    const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))]?.toFixed(1);
    console.log(`PDF render: p50 ${q(0.5)} ms, p95 ${q(0.95)} ms over ${s.length}; sizes ${Math.min(...sizes)}–${Math.max(...sizes)} bytes`);
  });
});
