import type { Account } from '../accounts/repository.ts';
import type { Customer } from '../customers/repository.ts';
import type { Invoice, InvoiceLine } from '../invoices/repository.ts';
import type { Merchant } from '../merchants/repository.ts';
import { isEuCountry } from '../tax/rates.ts';
import type { TaxMention } from '../tax/rules.ts';

/**
 * Everything an invoice document shows, resolved before rendering: the PDF and HTML renderers
 * read nothing else (no database, no clock), so the same input gives the same document.
 */
export interface Seller {
  legalName: string;
  addressLines: string[];
  country: string | null;
  /** SIREN in France. */
  companyNumber: string | null;
  vatNumber: string | null;
  /** false: franchise en base (CGI art. 293 B), no VAT on its invoices. */
  vatRegistered: boolean;
  supportEmail: string | null;
}

export interface Buyer {
  name: string;
  addressLines: string[];
  country: string | null;
  vatNumber: string | null;
  /** A company name or a VAT number makes the buyer a business (B2B mentions apply). */
  isBusiness: boolean;
}

/** A line as stored on the invoice: amounts excluding tax in minor units, `taxRate` in percent (null = no VAT). */
export type DocumentLine = InvoiceLine;

export interface InvoiceDocument {
  kind: 'invoice' | 'credit_note';
  locale: 'en' | 'fr';
  number: string;
  /** ISO 8601. */
  issueDate: string;
  dueDate: string | null;
  /** For a credit note: the number of the invoice it cancels. */
  correctsNumber: string | null;
  seller: Seller;
  buyer: Buyer;
  currency: string;
  lines: DocumentLine[];
  subtotal: number;
  tax: number;
  total: number;
  mention: TaxMention;
}

/**
 * The seller's identity, read in ONE place: the account's business profile (legal name, address,
 * SIREN, VAT number, VAT regime, support email), falling back to the environment's display name
 * while the profile is not filled in.
 */
export function sellerFor(merchant: Pick<Merchant, 'name'>, account: Account | undefined): Seller {
  const a = account?.address;
  const cityLine = [a?.postal_code, a?.city].filter(Boolean).join(' ');
  return {
    legalName: account?.legalName ?? account?.name ?? merchant.name,
    addressLines: [a?.line1, a?.line2, cityLine, account?.country].filter((l): l is string => !!l),
    country: account?.country ?? null,
    companyNumber: account?.companyNumber ?? null,
    vatNumber: account?.vatNumber ?? null,
    vatRegistered: account?.vatRegime !== 'franchise',
    supportEmail: account?.supportEmail ?? null,
  };
}

export function buyerFor(c: Customer): Buyer {
  const a = c.billingAddress;
  const person = [c.firstName, c.lastName].filter(Boolean).join(' ');
  const name = c.company ? (person ? `${c.company} (${person})` : c.company) : person || c.email || c.reference;
  const cityLine = [a?.postal_code, a?.city].filter(Boolean).join(' ');
  return {
    name,
    addressLines: [a?.line1, a?.line2, cityLine, a?.region, a?.country].filter((l): l is string => !!l),
    country: a?.country ?? null,
    vatNumber: a?.tax_id ?? null,
    isBusiness: !!c.company || !!a?.tax_id,
  };
}

/** The mention the invoice carries, from what was charged (a finalized invoice never changes). */
export function mentionOf(seller: Seller, buyer: Buyer, inv: Pick<Invoice, 'tax'>): TaxMention {
  if (!seller.vatRegistered) return 'franchise';
  if (inv.tax !== 0) return null;
  if (buyer.country && !isEuCountry(buyer.country)) return 'outside_eu';
  if (buyer.country && seller.country && buyer.country !== seller.country && buyer.vatNumber) return 'reverse_charge';
  return null;
}

export function invoiceDocument(inv: Invoice, seller: Seller, buyer: Buyer, locale: 'en' | 'fr', mention: TaxMention): InvoiceDocument {
  return {
    kind: 'invoice',
    locale,
    number: inv.number ?? '',
    issueDate: inv.finalizedAt ?? inv.createdAt,
    dueDate: inv.dueDate,
    correctsNumber: null,
    seller,
    buyer,
    currency: inv.currency,
    lines: inv.lines.map((l) => ({ ...l })),
    subtotal: inv.subtotal,
    tax: inv.tax,
    total: inv.total,
    mention,
  };
}

/** A credit note cancels its invoice in full: the same lines, negated, under its own number. */
export function creditNoteDocument(invoiceDoc: InvoiceDocument, creditNote: { number: string; createdAt: string }): InvoiceDocument {
  return {
    ...invoiceDoc,
    kind: 'credit_note',
    number: creditNote.number,
    issueDate: creditNote.createdAt,
    dueDate: null,
    correctsNumber: invoiceDoc.number,
    lines: invoiceDoc.lines.map((l) => ({ ...l, quantity: l.quantity, unitAmount: -l.unitAmount, amount: -l.amount, taxAmount: -l.taxAmount })),
    subtotal: -invoiceDoc.subtotal,
    tax: -invoiceDoc.tax,
    total: -invoiceDoc.total,
  };
}
