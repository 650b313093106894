/** Every string of the hosted pages, in English and French. Keys double as error codes. */
export type Locale = 'en' | 'fr';

const en = {
  email: 'Email',
  first_name: 'First name',
  last_name: 'Last name',
  company: 'Company',
  optional: 'optional',
  line1: 'Address',
  postal_code: 'Postal code',
  city: 'City',
  country: 'Country',
  choose_country: 'Choose a country',
  card_number: 'Card number',
  card_expiry: 'Expiry',
  card_cvc: 'CVC',
  iban: 'IBAN',
  subscribe: 'Subscribe',
  processing: 'Processing…',
  back: 'Back',
  your_details: 'Your details',
  billing_address: 'Billing address',
  payment_method: 'Payment method',
  pay_card: 'Card',
  pay_sepa: 'SEPA Direct Debit',
  test_mode: 'Test mode: use card 4242 4242 4242 4242, any future expiry and any CVC.',
  sepa_mandate:
    'By providing your IBAN you authorise the merchant to send instructions to your bank to debit your account in accordance with those instructions.',
  summary: 'Summary',
  per_day: '/ day',
  per_week: '/ week',
  per_month: '/ month',
  per_year: '/ year',
  every_n: 'every {n} {unit}',
  unit_day: 'days',
  unit_week: 'weeks',
  unit_month: 'months',
  unit_year: 'years',
  trial: '{days}-day free trial',
  trial_paid: '{days}-day trial for {amount}',
  setup_fee: 'Setup fee',
  due_today: 'Due today',
  then_label: 'Then',
  fix_errors: 'Please correct the highlighted fields.',
  required: 'This field is required.',
  email_invalid: 'Enter a valid email address.',
  too_long: 'This is too long.',
  country_invalid: 'Choose a country from the list.',
  card_number_invalid: 'This card number is not valid.',
  card_expiry_invalid: 'Enter a future expiry date as MM/YY.',
  card_cvc_invalid: 'Enter the 3 or 4 digits on the back of the card.',
  card_declined: 'Your card was declined. Try another payment method.',
  authentication_failed: 'The card’s authentication failed. Try again or use another card.',
  test_card_only: 'In test mode, use a test card such as 4242 4242 4242 4242.',
  iban_invalid: 'This IBAN is not valid.',
  test_iban_only: 'In test mode, use the test IBAN DE89 3704 0044 0532 0130 00.',
  gateway_unavailable: 'The payment service did not answer. Nothing was charged; please try again.',
  unavailable_title: 'Payment temporarily unavailable',
  restricted_title: 'Access to the payment form has been restricted',
  restricted_body:
    'After several unsuccessful attempts, access to the payment form has been restricted. Please contact the merchant to continue.',
  restricted_body_contact: 'After several unsuccessful attempts, access to the payment form has been restricted. Please contact {merchant} to continue:',
  erased_title: 'This checkout cannot be completed',
  erased_body: 'The account this checkout was opened for has been closed. Please contact the merchant.',
  too_many_title: 'Too many attempts',
  too_many_body: 'Too many checkouts were opened from your connection. Wait a minute and try again.',
  expired_title: 'This checkout link has expired',
  expired_body: 'Checkout links are valid for 24 hours. Go back to the merchant’s site to start again.',
  complete_title: 'You are subscribed',
  not_found_title: 'Checkout not found',
  not_found_body: 'This link is not valid. Check the address or go back to the merchant’s site.',
  continue: 'Continue',
  challenge_title: '3-D Secure verification',
  challenge_body: 'Your bank asks you to confirm this card. In test mode, choose the outcome.',
  challenge_approve: 'Approve',
  challenge_fail: 'Fail verification',
  secure_note: 'Payments are secured. Your card details are never shared with the merchant.',
  language: 'Language',
  confirmation_intro: 'Thank you! Your {offer} subscription with {merchant} has started.',
  plan: 'Plan',
  charged_today: 'Charged today',
  next_charge: 'Next charge',
  next_charge_value: '{amount} on {date}',
  receipt_note: 'A receipt is on its way by email.',
} as const;

export type MessageKey = keyof typeof en;

const fr: Record<MessageKey, string> = {
  email: 'E-mail',
  first_name: 'Prénom',
  last_name: 'Nom',
  company: 'Société',
  optional: 'facultatif',
  line1: 'Adresse',
  postal_code: 'Code postal',
  city: 'Ville',
  country: 'Pays',
  choose_country: 'Choisissez un pays',
  card_number: 'Numéro de carte',
  card_expiry: 'Expiration',
  card_cvc: 'CVC',
  iban: 'IBAN',
  subscribe: "S'abonner",
  processing: 'Traitement…',
  back: 'Retour',
  your_details: 'Vos informations',
  billing_address: 'Adresse de facturation',
  payment_method: 'Moyen de paiement',
  pay_card: 'Carte',
  pay_sepa: 'Prélèvement SEPA',
  test_mode: 'Mode test : utilisez la carte 4242 4242 4242 4242, une date future et un CVC quelconque.',
  sepa_mandate:
    'En fournissant votre IBAN, vous autorisez le marchand à envoyer des instructions à votre banque pour débiter votre compte conformément à ces instructions.',
  summary: 'Récapitulatif',
  per_day: '/ jour',
  per_week: '/ semaine',
  per_month: '/ mois',
  per_year: '/ an',
  every_n: 'tous les {n} {unit}',
  unit_day: 'jours',
  unit_week: 'semaines',
  unit_month: 'mois',
  unit_year: 'ans',
  trial: 'Essai gratuit de {days} jours',
  trial_paid: 'Essai de {days} jours pour {amount}',
  setup_fee: "Frais de mise en service",
  due_today: "À payer aujourd'hui",
  then_label: 'Ensuite',
  fix_errors: 'Veuillez corriger les champs signalés.',
  required: 'Ce champ est obligatoire.',
  email_invalid: 'Saisissez une adresse e-mail valide.',
  too_long: 'Ce texte est trop long.',
  country_invalid: 'Choisissez un pays dans la liste.',
  card_number_invalid: "Ce numéro de carte n'est pas valide.",
  card_expiry_invalid: "Saisissez une date d'expiration future au format MM/AA.",
  card_cvc_invalid: 'Saisissez les 3 ou 4 chiffres au dos de la carte.',
  card_declined: 'Votre carte a été refusée. Essayez un autre moyen de paiement.',
  authentication_failed: "L'authentification de la carte a échoué. Réessayez ou utilisez une autre carte.",
  test_card_only: 'En mode test, utilisez une carte de test comme 4242 4242 4242 4242.',
  iban_invalid: "Cet IBAN n'est pas valide.",
  test_iban_only: "En mode test, utilisez l'IBAN de test DE89 3704 0044 0532 0130 00.",
  gateway_unavailable: "Le service de paiement n'a pas répondu. Rien n'a été débité ; veuillez réessayer.",
  unavailable_title: 'Paiement momentanément indisponible',
  restricted_title: 'Votre accès au formulaire de paiement a été restreint',
  restricted_body:
    "Après plusieurs tentatives infructueuses, l'accès au formulaire de paiement a été restreint. Contactez le marchand pour continuer.",
  restricted_body_contact:
    "Après plusieurs tentatives infructueuses, l'accès au formulaire de paiement a été restreint. Contactez {merchant} pour continuer :",
  erased_title: 'Ce paiement ne peut pas aboutir',
  erased_body: 'Le compte pour lequel ce paiement a été ouvert a été fermé. Contactez le marchand.',
  too_many_title: 'Trop de tentatives',
  too_many_body: 'Trop de paiements ont été ouverts depuis votre connexion. Patientez une minute puis réessayez.',
  expired_title: 'Ce lien de paiement a expiré',
  expired_body: 'Les liens de paiement sont valables 24 heures. Retournez sur le site du marchand pour recommencer.',
  complete_title: 'Vous êtes abonné',
  not_found_title: 'Paiement introuvable',
  not_found_body: "Ce lien n'est pas valide. Vérifiez l'adresse ou retournez sur le site du marchand.",
  continue: 'Continuer',
  challenge_title: 'Vérification 3-D Secure',
  challenge_body: 'Votre banque vous demande de confirmer cette carte. En mode test, choisissez le résultat.',
  challenge_approve: 'Approuver',
  challenge_fail: 'Échouer la vérification',
  secure_note: "Paiement sécurisé. Vos coordonnées bancaires ne sont jamais transmises au marchand.",
  language: 'Langue',
  confirmation_intro: 'Merci ! Votre abonnement {offer} chez {merchant} a commencé.',
  plan: 'Offre',
  charged_today: "Débité aujourd'hui",
  next_charge: 'Prochain prélèvement',
  next_charge_value: '{amount} le {date}',
  receipt_note: 'Un reçu vous est envoyé par e-mail.',
};

const dictionaries: Record<Locale, Record<MessageKey, string>> = { en, fr };

export type Translate = (key: MessageKey, vars?: Record<string, string | number>) => string;

export function translator(locale: Locale): Translate {
  const dict = dictionaries[locale];
  return (key, vars) => {
    let text = dict[key] ?? key;
    if (vars) for (const [k, v] of Object.entries(vars)) text = text.replaceAll(`{${k}}`, String(v));
    return text;
  };
}

export const isMessageKey = (key: string): key is MessageKey => key in en;

/** `?locale=` wins, then Accept-Language, then English. */
export function pickLocale(explicit: string | null | undefined, acceptLanguage: string | null | undefined): Locale {
  if (explicit === 'fr' || explicit === 'en') return explicit;
  for (const part of (acceptLanguage ?? '').split(',')) {
    const tag = part.trim().slice(0, 2).toLowerCase();
    if (tag === 'fr' || tag === 'en') return tag;
  }
  return 'en';
}
