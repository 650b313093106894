import type { InvoiceDocument } from './model.ts';

/**
 * The words and figures of an invoice document, laid out as blocks. The PDF and the printable
 * HTML both render this, so they cannot say different things.
 */
const words = {
  en: {
    invoice: 'Invoice', credit_note: 'Credit note', number: 'Number', issued: 'Issue date', due: 'Due date',
    corrects: 'Cancels invoice', seller: 'Seller', buyer: 'Bill to', company_number: 'Company number (SIREN)',
    vat_number: 'VAT number', description: 'Description', period: 'Period', qty: 'Qty', unit: 'Unit price excl. VAT',
    rate: 'VAT', amount: 'Amount excl. VAT', subtotal: 'Total excl. VAT', vat_at: 'VAT', total: 'Total incl. VAT',
    no_vat: 'no VAT',
    franchise: 'VAT not applicable, art. 293 B of the French CGI (TVA non applicable, art. 293 B du CGI).',
    reverse_charge: 'Reverse charge (Autoliquidation): VAT to be accounted for by the customer, art. 196 of Directive 2006/112/EC.',
    outside_eu: 'VAT not applicable: services supplied outside the European Union (art. 259-1 of the French CGI).',
    b2b_terms: 'Late payment: penalties at three times the French legal interest rate, plus a fixed recovery fee of EUR 40 (Code de commerce L441-10, D441-5). No discount for early payment.',
  },
  fr: {
    invoice: 'Facture', credit_note: 'Avoir', number: 'Numéro', issued: "Date d'émission", due: "Date d'échéance",
    corrects: 'Annule la facture', seller: 'Vendeur', buyer: 'Facturé à', company_number: 'SIREN',
    vat_number: 'N° TVA intracommunautaire', description: 'Désignation', period: 'Période', qty: 'Qté', unit: 'Prix unitaire HT',
    rate: 'TVA', amount: 'Montant HT', subtotal: 'Total HT', vat_at: 'TVA', total: 'Total TTC',
    no_vat: 'sans TVA',
    franchise: 'TVA non applicable, art. 293 B du CGI.',
    reverse_charge: "Autoliquidation : TVA due par le preneur, art. 283-2 du CGI et art. 196 de la directive 2006/112/CE.",
    outside_eu: 'TVA non applicable, art. 259-1 du CGI (prestation hors Union européenne).',
    b2b_terms: "Pénalités de retard : trois fois le taux d'intérêt légal ; indemnité forfaitaire pour frais de recouvrement : 40 € (art. L441-10 et D441-5 du Code de commerce). Pas d'escompte pour paiement anticipé.",
  },
} as const;

export interface Content {
  title: string;
  meta: [string, string][];
  seller: string[];
  buyer: string[];
  headers: string[];
  rows: string[][];
  totals: [string, string][];
  notes: string[];
  labels: { seller: string; buyer: string };
}

// Intl formatters cost ~0.1–1 ms each to build and a document formats dozens of values: one per
// (locale, currency, style), built on first use.
const formatters = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat>();
function cached<T extends Intl.NumberFormat | Intl.DateTimeFormat>(key: string, make: () => T): T {
  let f = formatters.get(key);
  if (!f) {
    f = make();
    formatters.set(key, f);
  }
  return f as T;
}
const tag = (locale: 'en' | 'fr') => (locale === 'fr' ? 'fr-FR' : 'en-GB');

/** Minor units → a formatted amount, with the currency's own number of decimals (JPY has none). */
export function money(minor: number, currency: string, locale: 'en' | 'fr'): string {
  const code = currency.toUpperCase();
  const f = cached(`money:${locale}:${code}`, () => new Intl.NumberFormat(tag(locale), { style: 'currency', currency: code }));
  return f.format(minor / 10 ** (f.resolvedOptions().maximumFractionDigits ?? 2));
}

const date = (iso: string, locale: 'en' | 'fr'): string =>
  cached(`date:${locale}`, () => new Intl.DateTimeFormat(tag(locale), { dateStyle: 'long', timeZone: 'UTC' })).format(new Date(iso));

const shortDate = (iso: string, locale: 'en' | 'fr'): string =>
  cached(`short:${locale}`, () => new Intl.DateTimeFormat(tag(locale), { day: '2-digit', month: '2-digit', year: 'numeric', timeZone: 'UTC' })).format(new Date(iso));

export const percent = (rate: number, locale: 'en' | 'fr'): string =>
  `${cached(`pct:${locale}`, () => new Intl.NumberFormat(tag(locale), { maximumFractionDigits: 2 })).format(rate)} %`;

export function invoiceContent(d: InvoiceDocument): Content {
  const w = words[d.locale];
  const m = (n: number) => money(n, d.currency, d.locale);
  const sep = d.locale === 'fr' ? ' : ' : ': ';
  const meta: [string, string][] = [[w.number, d.number], [w.issued, date(d.issueDate, d.locale)]];
  if (d.dueDate && d.kind === 'invoice') meta.push([w.due, date(d.dueDate, d.locale)]);
  if (d.correctsNumber) meta.push([w.corrects, d.correctsNumber]);
  const seller = [d.seller.legalName, ...d.seller.addressLines];
  if (d.seller.companyNumber) seller.push(`${w.company_number}${sep}${d.seller.companyNumber}`);
  if (d.seller.vatNumber) seller.push(`${w.vat_number}${sep}${d.seller.vatNumber}`);
  const buyer = [d.buyer.name, ...d.buyer.addressLines];
  if (d.buyer.isBusiness && d.buyer.vatNumber) buyer.push(`${w.vat_number}${sep}${d.buyer.vatNumber}`);
  const rows = d.lines.map((l) => [
    l.description,
    l.periodStart && l.periodEnd ? `${shortDate(l.periodStart, d.locale)} – ${shortDate(l.periodEnd, d.locale)}` : '',
    String(l.quantity),
    m(l.unitAmount),
    l.taxRate === null ? w.no_vat : percent(l.taxRate, d.locale),
    m(l.amount),
  ]);
  const totals: [string, string][] = [[w.subtotal, m(d.subtotal)]];
  // VAT per rate: each rate's base and tax, so an accountant can post it as is.
  const byRate = new Map<number, { base: number; tax: number }>();
  for (const l of d.lines) {
    const r = l.taxRate ?? 0;
    const t = byRate.get(r) ?? { base: 0, tax: 0 };
    t.base += l.amount;
    t.tax += l.taxAmount;
    byRate.set(r, t);
  }
  for (const [rate, t] of [...byRate].sort((a, b) => a[0] - b[0])) {
    totals.push([`${w.vat_at} ${percent(rate, d.locale)} (${m(t.base)})`, m(t.tax)]);
  }
  totals.push([w.total, m(d.total)]);
  const notes: string[] = [];
  if (d.mention) notes.push(w[d.mention]);
  if (d.buyer.isBusiness) notes.push(w.b2b_terms);
  return {
    title: `${w[d.kind]} ${d.number}`,
    meta,
    seller,
    buyer,
    headers: [w.description, w.period, w.qty, w.unit, w.rate, w.amount],
    rows,
    totals,
    notes,
    labels: { seller: w.seller, buyer: w.buyer },
  };
}
