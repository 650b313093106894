/**
 * Back-office strings for billing settings (dunning policy, invoice numbering prefix), invoice PDFs
 * and the customer page's upcoming activity. Spread at the end of i18n-en.ts / i18n-fr.ts.
 */
export const billingUiEn = {
  billing_settings: 'Billing',
  billing_settings_help: 'How invoices are numbered and what happens when a customer never pays. Applies to this environment only.',
  invoice_prefix: 'Invoice number prefix',
  invoice_prefix_hint: 'Capital letters, digits and hyphens, up to 20 characters. Numbers look like {example}. Invoices already finalized keep their number.',
  invoice_prefix_invalid: 'Use 1 to 20 capital letters, digits or hyphens, starting with a letter or a digit.',
  dunning_policy: 'When the last retry of a payment fails (day +7)',
  dunning_cancel: 'Cancel the subscription',
  dunning_unpaid: 'Mark the subscription unpaid',
  dunning_past_due: 'Leave the subscription past due',
  dunning_invalid: 'Choose one of these options.',
  invoice_pdf: 'PDF',
  invoice_pdf_label: 'PDF of invoice {number}',
  credit_note_pdf: 'Credit note (PDF)',
  up_charge: 'Next charge for {offer}: {amount}',
  up_invoice: 'Next invoice for {offer}: {amount}, to be paid by hand',
  up_retry: 'Payment retry of invoice {number}: {amount}',
} as const;

export const billingUiFr: Record<keyof typeof billingUiEn, string> = {
  billing_settings: 'Facturation',
  billing_settings_help: 'La numérotation des factures et ce qui se passe quand un client ne paie jamais. Pour cet environnement seulement.',
  invoice_prefix: 'Préfixe des numéros de facture',
  invoice_prefix_hint: 'Lettres majuscules, chiffres et tirets, 20 caractères au plus. Les numéros ressemblent à {example}. Les factures déjà émises gardent leur numéro.',
  invoice_prefix_invalid: 'Utilisez de 1 à 20 lettres majuscules, chiffres ou tirets, en commençant par une lettre ou un chiffre.',
  dunning_policy: 'Quand la dernière relance d’un paiement échoue (jour +7)',
  dunning_cancel: 'Résilier l’abonnement',
  dunning_unpaid: 'Marquer l’abonnement impayé',
  dunning_past_due: 'Laisser l’abonnement en retard de paiement',
  dunning_invalid: 'Choisissez l’une de ces options.',
  invoice_pdf: 'PDF',
  invoice_pdf_label: 'PDF de la facture {number}',
  credit_note_pdf: 'Avoir (PDF)',
  up_charge: 'Prochain prélèvement pour {offer} : {amount}',
  up_invoice: 'Prochaine facture pour {offer} : {amount}, à payer à la main',
  up_retry: 'Nouvelle tentative de paiement de la facture {number} : {amount}',
};
