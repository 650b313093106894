/**
 * Back-office strings for offer translations (issue 10): the offer form's French fieldset.
 * Kept in their own file and spread at the end of i18n-en.ts / i18n-fr.ts.
 */
export const offerEn = {
  fr_translation: 'French translation',
  fr_translation_hint: 'Shown to visitors whose page is in French (pricing table, checkout, customer portal). Anything left empty falls back to the text above.',
  fr_name: 'Name in French',
  fr_description: 'Description in French',
  fr_features: 'Features in French (one per line)',
} as const;

export const offerFr: Record<keyof typeof offerEn, string> = {
  fr_translation: 'Traduction française',
  fr_translation_hint: 'Montrée aux visiteurs dont la page est en français (grille tarifaire, paiement, espace client). Un champ laissé vide reprend le texte ci-dessus.',
  fr_name: 'Nom en français',
  fr_description: 'Description en français',
  fr_features: 'Fonctionnalités en français (une par ligne)',
};
