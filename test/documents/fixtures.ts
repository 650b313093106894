import type { Buyer, DocumentLine, InvoiceDocument, Seller } from '../../server/documents/model.ts';
import { creditNoteDocument } from '../../server/documents/model.ts';
import { lineTax } from '../../server/tax/amounts.ts';
import { taxFor } from '../../server/tax/rules.ts';

/** Invoices of every kind the issue lists, priced through the tax module. */
export const seller: Seller = {
  legalName: 'Atelier Étoile SAS', addressLines: ['12 rue de la Paix', '75002 Paris', 'France'], country: 'FR',
  companyNumber: '303265045', vatNumber: 'FR40303265045', vatRegistered: true, supportEmail: 'aide@etoile.example',
};

const line = (desc: string, unit: number, qty: number, rateBp: number): DocumentLine => {
  const t = lineTax(unit * qty, rateBp, 'exclusive');
  return { description: desc, periodStart: '2026-03-01T00:00:00Z', periodEnd: '2026-04-01T00:00:00Z', quantity: qty, unitAmount: unit, amount: t.net, taxRate: rateBp / 100, taxAmount: t.tax };
};

function doc(number: string, locale: 'en' | 'fr', s: Seller, buyer: Buyer): InvoiceDocument {
  const d = taxFor({ country: s.country ?? 'FR', vatRegistered: s.vatRegistered }, { country: buyer.country, vatNumber: buyer.vatNumber });
  const lines = [line('Abonnement Pro — mensuel', 2900, 1, d.rateBp), line('Sièges supplémentaires', 500, 3, d.rateBp)];
  const subtotal = lines.reduce((a, l) => a + l.amount, 0);
  const tax = lines.reduce((a, l) => a + l.taxAmount, 0);
  return {
    kind: 'invoice', locale, number, issueDate: '2026-03-01T09:30:00Z', dueDate: '2026-03-31T00:00:00Z', correctsNumber: null,
    seller: s, buyer, currency: 'eur', lines, subtotal, tax, total: subtotal + tax, mention: d.mention === 'outside_eu' ? 'outside_eu' : d.mention,
  };
}

export const kinds = {
  b2c_fr: doc('DEMO-2026-000001', 'fr', seller, { name: 'Zoé Lefèvre', addressLines: ['3 allée des Cèdres', '69003 Lyon', 'FR'], country: 'FR', vatNumber: null, isBusiness: false }),
  b2b_fr: doc('DEMO-2026-000002', 'fr', seller, { name: 'Boulangerie Dupré SARL', addressLines: ['8 place du Marché', '33000 Bordeaux', 'FR'], country: 'FR', vatNumber: 'FR40303265045', isBusiness: true }),
  b2b_eu: doc('DEMO-2026-000003', 'en', seller, { name: 'Müller GmbH', addressLines: ['Hauptstraße 5', '10115 Berlin', 'DE'], country: 'DE', vatNumber: 'DE136695976', isBusiness: true }),
  outside_eu: doc('DEMO-2026-000004', 'en', seller, { name: 'Acme Inc.', addressLines: ['1 Market St', 'San Francisco 94105', 'US'], country: 'US', vatNumber: null, isBusiness: true }),
  franchise: doc('SOLO-2026-000001', 'fr', { ...seller, legalName: 'Jeanne Martin EI', vatNumber: null, vatRegistered: false }, { name: 'Zoé Lefèvre', addressLines: ['69003 Lyon', 'FR'], country: 'FR', vatNumber: null, isBusiness: false }),
};
export const creditNote = creditNoteDocument(kinds.b2b_fr, { number: 'DEMO-2026-CN-000001', createdAt: '2026-03-05T10:00:00Z' });
