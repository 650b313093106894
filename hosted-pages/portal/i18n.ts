import { isMessageKey, type Locale, type MessageKey, translator } from '../i18n.ts';

/**
 * The portal's own strings, on top of the hosted pages' shared dictionary (labels such as
 * "Address" or "Card number" come from there, so checkout, portal and back-office say the same).
 */
const en = {
  invoices_title: 'Invoices',
  no_invoices: 'No invoices yet.',
  invoice_number: 'Number',
  invoice_date: 'Date',
  invoice_total: 'Total',
  invoice_status: 'Status',
  invoice_open: 'Due',
  invoice_paid: 'Paid',
  invoice_void: 'Void',
  invoice_uncollectible: 'Unpaid',
  invoice_draft: 'Draft',
  invoice_pdf: 'PDF',
  invoice_pdf_label: 'PDF of invoice {number}',
  invoice_pay: 'Pay',
  invoice_pay_label: 'Pay invoice {number}',
  invoice_missing_title: 'Invoice not found',
  invoice_missing_body: 'This invoice does not exist or is not yours.',
  portal_title: 'Your account',
  portal_for: 'Account of {name}',
  your_plans: 'Your plans',
  no_subscriptions: 'You have no subscription.',
  status_trialing: 'Trial',
  status_active: 'Active',
  status_canceled: 'Canceled',
  status_incomplete: 'Incomplete',
  status_past_due: 'Payment overdue',
  status_unpaid: 'Unpaid',
  trial_end: 'Trial ends',
  renews_on: 'Renews on',
  ends_on: 'Ends on',
  cancels_at_period_end: 'Cancels at the end of the current period',
  cancel_subscription: 'Cancel subscription',
  cancel_title: 'Cancel your subscription?',
  cancel_body: 'Your {offer} subscription stays active until {date}, then ends. You will not be charged again.',
  cancel_confirm: 'Yes, cancel at period end',
  cancel_keep: 'Keep my subscription',
  resume_subscription: 'Resume subscription',
  current_payment_method: 'Current payment method',
  card_expires: 'Expires {exp}',
  pm_none: 'None',
  pm_bank_transfer: 'Bank transfer',
  pm_check: 'Check',
  pm_cash: 'Cash',
  pm_other: 'Other',
  change_payment_method: 'Add or change a payment method',
  save_payment_method: 'Save payment method',
  save_address: 'Save billing address',
  line2: 'Address line 2',
  region: 'Region or state',
  phone: 'Phone',
  tax_id: 'VAT number',
  phone_invalid: 'Use digits, spaces and + ( ) . - only.',
  tax_id_invalid: 'This is not a valid VAT number for the chosen country (e.g. FR40303265045).',
  saved_payment_method: 'Your payment method has been updated.',
  saved_address: 'Your billing address has been updated.',
  saved_cancel: 'Your subscription will end at the end of the current period.',
  saved_resume: 'Your subscription continues: it will renew as usual.',
  link_expired_title: 'This link has expired',
  link_expired_body: 'Links to your account are valid for a limited time. Ask the merchant for a new one.',
  link_invalid_title: 'This link is not valid',
  link_invalid_body: 'It was revoked or is incomplete. Ask the merchant for a new link.',
  subscription_missing_title: 'Subscription not found',
  subscription_missing_body: 'This subscription is not active, or is already set to end.',
  back_to_account: 'Back to your account',
} as const;

export type PortalKey = keyof typeof en;
/** Any string the portal shows: its own keys or the shared ones. */
export type PortalMessage = MessageKey | PortalKey;
export type PortalTranslate = (key: PortalMessage, vars?: Record<string, string | number>) => string;

const fr: Record<PortalKey, string> = {
  invoices_title: 'Factures',
  no_invoices: "Aucune facture pour l'instant.",
  invoice_number: 'Numéro',
  invoice_date: 'Date',
  invoice_total: 'Total',
  invoice_status: 'Statut',
  invoice_open: 'À payer',
  invoice_paid: 'Payée',
  invoice_void: 'Annulée',
  invoice_uncollectible: 'Impayée',
  invoice_draft: 'Brouillon',
  invoice_pdf: 'PDF',
  invoice_pdf_label: 'PDF de la facture {number}',
  invoice_pay: 'Payer',
  invoice_pay_label: 'Payer la facture {number}',
  invoice_missing_title: 'Facture introuvable',
  invoice_missing_body: "Cette facture n'existe pas ou n'est pas la vôtre.",
  portal_title: 'Votre compte',
  portal_for: 'Compte de {name}',
  your_plans: 'Vos abonnements',
  no_subscriptions: "Vous n'avez aucun abonnement.",
  status_trialing: "Période d'essai",
  status_active: 'Actif',
  status_canceled: 'Résilié',
  status_incomplete: 'Incomplet',
  status_past_due: 'Paiement en retard',
  status_unpaid: 'Impayé',
  trial_end: "Fin de l'essai",
  renews_on: 'Renouvellement le',
  ends_on: 'Prend fin le',
  cancels_at_period_end: 'Résiliation à la fin de la période en cours',
  cancel_subscription: "Résilier l'abonnement",
  cancel_title: 'Résilier votre abonnement ?',
  cancel_body: 'Votre abonnement {offer} reste actif jusqu’au {date}, puis prend fin. Vous ne serez plus débité.',
  cancel_confirm: 'Oui, résilier en fin de période',
  cancel_keep: 'Conserver mon abonnement',
  resume_subscription: "Reprendre l'abonnement",
  current_payment_method: 'Moyen de paiement actuel',
  card_expires: 'Expire fin {exp}',
  pm_none: 'Aucun',
  pm_bank_transfer: 'Virement bancaire',
  pm_check: 'Chèque',
  pm_cash: 'Espèces',
  pm_other: 'Autre',
  change_payment_method: 'Ajouter ou modifier un moyen de paiement',
  save_payment_method: 'Enregistrer le moyen de paiement',
  save_address: "Enregistrer l'adresse de facturation",
  line2: "Complément d'adresse",
  region: 'Région ou État',
  phone: 'Téléphone',
  tax_id: 'Numéro de TVA',
  phone_invalid: 'Utilisez uniquement des chiffres, des espaces et + ( ) . -',
  tax_id_invalid: "Ce numéro de TVA n'est pas valide pour le pays choisi (ex. FR40303265045).",
  saved_payment_method: 'Votre moyen de paiement a été mis à jour.',
  saved_address: 'Votre adresse de facturation a été mise à jour.',
  saved_cancel: "Votre abonnement prendra fin à l'issue de la période en cours.",
  saved_resume: 'Votre abonnement continue : il sera renouvelé normalement.',
  link_expired_title: 'Ce lien a expiré',
  link_expired_body: 'Les liens vers votre compte sont valables pour une durée limitée. Demandez-en un nouveau au marchand.',
  link_invalid_title: "Ce lien n'est pas valide",
  link_invalid_body: 'Il a été révoqué ou est incomplet. Demandez un nouveau lien au marchand.',
  subscription_missing_title: 'Abonnement introuvable',
  subscription_missing_body: "Cet abonnement n'est pas actif, ou sa résiliation est déjà prévue.",
  back_to_account: 'Retour à votre compte',
};

const dictionaries: Record<Locale, Record<PortalKey, string>> = { en, fr };

export const isPortalKey = (key: string): key is PortalKey => key in en;
export const isPortalMessage = (key: string): key is PortalMessage => isPortalKey(key) || isMessageKey(key);

export function portalTranslator(locale: Locale): PortalTranslate {
  const shared = translator(locale);
  const own = dictionaries[locale];
  return (key, vars) => {
    if (!isPortalKey(key)) return shared(key, vars);
    let text: string = own[key];
    // Every occurrence is replaced; values are plain text (the page escapes them when rendering).
    if (vars) for (const [k, v] of Object.entries(vars)) text = text.replaceAll(`{${k}}`, String(v));
    return text;
  };
}
