/**
 * Back-office strings for VAT (issue 12): the account's VAT regime and each offer's tax
 * behaviour. Spread at the end of i18n-en.ts / i18n-fr.ts.
 */
export const taxEn = {
  vat_regime: 'VAT regime',
  vat_regime_registered: 'Registered for VAT: VAT is charged',
  vat_regime_franchise: 'Franchise en base (CGI art. 293 B): no VAT charged',
  vat_regime_hint: 'VAT is applied once the country is set. Under the franchise, invoices say “TVA non applicable, art. 293 B du CGI”.',
  tax_behavior: 'Prices',
  tax_behavior_inclusive: 'Include VAT (TTC)',
  tax_behavior_exclusive: 'Exclude VAT (HT): VAT is added on top',
  tax_behavior_hint: 'Consumer prices in France must be shown VAT included. Fixed once the offer has subscribers, like its price.',
};

export const taxFr: Record<keyof typeof taxEn, string> = {
  vat_regime: 'Régime de TVA',
  vat_regime_registered: 'Assujetti à la TVA : la TVA est facturée',
  vat_regime_franchise: 'Franchise en base (art. 293 B du CGI) : pas de TVA facturée',
  vat_regime_hint: 'La TVA s’applique dès que le pays est renseigné. En franchise, les factures portent « TVA non applicable, art. 293 B du CGI ».',
  tax_behavior: 'Prix',
  tax_behavior_inclusive: 'TVA incluse (TTC)',
  tax_behavior_exclusive: 'Hors TVA (HT) : la TVA s’ajoute',
  tax_behavior_hint: 'Les prix aux consommateurs doivent être affichés TTC en France. Figé dès que l’offre a des abonnés, comme son prix.',
};
