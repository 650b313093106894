import type { Locale } from '../../hosted-pages/i18n.ts';

/** The emails Porte sends (CONTRACT.md "Emails"). */
export type EmailKind =
  | 'subscription_confirmation'
  | 'receipt'
  | 'invoice'
  | 'payment_failed'
  | 'action_required'
  | 'trial_ending'
  | 'cancellation'
  | 'portal_link'
  | 'team_invitation';

export interface KindCopy {
  subject: string;
  heading: string;
  /** Paragraphs; `{name}` placeholders are filled from the email's variables (as text, escaped later). */
  body: string[];
  button: string;
}

interface Common {
  hello: string;
  hello_anonymous: string;
  copy_link: string;
  support: string;
  support_url: string;
  sent_by: string;
}

const en: Record<EmailKind, KindCopy> & { common: Common } = {
  common: {
    hello: 'Hello {name},',
    hello_anonymous: 'Hello,',
    copy_link: 'If the button does not work, copy this address into your browser:',
    support: 'Questions? Write to {support}.',
    support_url: 'Help: {support_url}',
    sent_by: 'This email was sent by {merchant}.',
  },
  subscription_confirmation: {
    subject: 'Your {offer} subscription with {merchant}',
    heading: 'Thank you for subscribing',
    body: ['Your subscription to {offer} is confirmed.', 'You can see your plan, change your payment method and download your invoices at any time from your customer portal.'],
    button: 'Open my customer portal',
  },
  receipt: {
    subject: 'Receipt for invoice {number} from {merchant}',
    heading: 'Payment received',
    body: ['We received your payment of {amount} for invoice {number}.', 'Thank you!'],
    button: 'View the invoice',
  },
  invoice: {
    subject: 'Invoice {number} from {merchant}',
    heading: 'Your invoice',
    body: ['Invoice {number} for {amount} is due on {date}.', 'The invoice is attached as a PDF. Open it online to see how to pay.'],
    button: 'View the invoice',
  },
  payment_failed: {
    subject: 'Your payment to {merchant} failed',
    heading: 'Your payment did not go through',
    body: ['We could not collect {amount} for invoice {number}.', 'Please update your payment method so that your subscription continues without interruption.'],
    button: 'Update my payment method',
  },
  action_required: {
    subject: 'Action required to pay {merchant}',
    heading: 'Your bank asks you to confirm a payment',
    body: ['Your payment of {amount} for invoice {number} needs your confirmation.', 'Open the invoice to confirm the payment with your bank.'],
    button: 'Confirm the payment',
  },
  trial_ending: {
    subject: 'Your {offer} trial ends on {date}',
    heading: 'Your trial ends soon',
    body: ['Your free trial of {offer} ends on {date}.', 'Your subscription then continues with the payment method on file. You can change it or cancel from your customer portal.'],
    button: 'Manage my subscription',
  },
  cancellation: {
    subject: 'Your {offer} subscription is canceled',
    heading: 'Cancellation confirmed',
    body: ['Your subscription to {offer} is canceled.', 'Your invoices remain available in your customer portal.'],
    button: 'Open my customer portal',
  },
  portal_link: {
    subject: 'Your customer portal link for {merchant}',
    heading: 'Your customer portal',
    body: ['Here is your personal link to manage your subscription with {merchant}. It works until {date}; do not share it.'],
    button: 'Open my customer portal',
  },
  team_invitation: {
    subject: 'You are invited to the {merchant} back-office',
    heading: 'Join {merchant} on Porte',
    body: ['You have been invited to the back-office of {merchant}. Choose a password to accept; the invitation expires on {date}.'],
    button: 'Accept the invitation',
  },
};

const fr: typeof en = {
  common: {
    hello: 'Bonjour {name},',
    hello_anonymous: 'Bonjour,',
    copy_link: 'Si le bouton ne fonctionne pas, copiez cette adresse dans votre navigateur :',
    support: 'Une question ? Écrivez à {support}.',
    support_url: 'Aide : {support_url}',
    sent_by: 'Cet e-mail vous a été envoyé par {merchant}.',
  },
  subscription_confirmation: {
    subject: 'Votre abonnement {offer} chez {merchant}',
    heading: 'Merci pour votre abonnement',
    body: ['Votre abonnement à {offer} est confirmé.', 'Vous pouvez consulter votre formule, changer de moyen de paiement et télécharger vos factures à tout moment depuis votre espace client.'],
    button: 'Ouvrir mon espace client',
  },
  receipt: {
    subject: 'Reçu de la facture {number} de {merchant}',
    heading: 'Paiement reçu',
    body: ['Nous avons bien reçu votre paiement de {amount} pour la facture {number}.', 'Merci !'],
    button: 'Voir la facture',
  },
  invoice: {
    subject: 'Facture {number} de {merchant}',
    heading: 'Votre facture',
    body: ['La facture {number} de {amount} est à régler au plus tard le {date}.', 'La facture est jointe au format PDF. Ouvrez-la en ligne pour voir comment la régler.'],
    button: 'Voir la facture',
  },
  payment_failed: {
    subject: 'Votre paiement à {merchant} a échoué',
    heading: "Votre paiement n'a pas abouti",
    body: ["Nous n'avons pas pu encaisser {amount} pour la facture {number}.", 'Merci de mettre à jour votre moyen de paiement pour que votre abonnement continue sans interruption.'],
    button: 'Mettre à jour mon moyen de paiement',
  },
  action_required: {
    subject: 'Action requise pour payer {merchant}',
    heading: 'Votre banque vous demande de confirmer un paiement',
    body: ['Votre paiement de {amount} pour la facture {number} doit être confirmé.', 'Ouvrez la facture pour confirmer le paiement auprès de votre banque.'],
    button: 'Confirmer le paiement',
  },
  trial_ending: {
    subject: "Votre essai {offer} se termine le {date}",
    heading: 'Votre essai se termine bientôt',
    body: ["Votre essai gratuit de {offer} se termine le {date}.", "Votre abonnement continuera ensuite avec le moyen de paiement enregistré. Vous pouvez le changer ou résilier depuis votre espace client."],
    button: 'Gérer mon abonnement',
  },
  cancellation: {
    subject: 'Votre abonnement {offer} est résilié',
    heading: 'Résiliation confirmée',
    body: ['Votre abonnement à {offer} est résilié.', 'Vos factures restent disponibles dans votre espace client.'],
    button: 'Ouvrir mon espace client',
  },
  portal_link: {
    subject: 'Le lien de votre espace client {merchant}',
    heading: 'Votre espace client',
    body: ["Voici votre lien personnel pour gérer votre abonnement chez {merchant}. Il fonctionne jusqu'au {date} ; ne le partagez pas."],
    button: 'Ouvrir mon espace client',
  },
  team_invitation: {
    subject: 'Vous êtes invité(e) dans le back-office de {merchant}',
    heading: 'Rejoignez {merchant} sur Porte',
    body: ["Vous êtes invité(e) dans le back-office de {merchant}. Choisissez un mot de passe pour accepter ; l'invitation expire le {date}."],
    button: "Accepter l'invitation",
  },
};

export const emailCopy: Record<Locale, typeof en> = { en, fr };

export const fill = (text: string, vars: Record<string, string>): string => text.replace(/\{(\w+)\}/g, (m, k: string) => vars[k] ?? m);
