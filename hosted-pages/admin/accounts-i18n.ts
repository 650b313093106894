/**
 * Back-office strings for accounts (issue 10): environments, first-run setup, business profile,
 * "Go live". Kept in their own file and spread at the end of i18n-en.ts / i18n-fr.ts.
 */
export const accountsEn = {
  env_label: 'Environment',
  env_test_mode: 'Test mode',
  env_test_banner: 'Test mode: you are looking at test data. Nothing here charges real money, and live data is not shown.',
  env_switch_live: 'Switch to live data',
  env_switch_test: 'Switch to test data',
  env_live: 'Live',
  setup_title: 'Set up your account',
  setup_intro: 'Create your business’s account and its owner. You will be signed in at once; the test environment is ready to try, and the “Go live” page lists what live payments need.',
  setup_business: 'Business name',
  setup_password: 'Password',
  setup_password_hint: 'At least 12 characters.',
  setup_submit: 'Create the account',
  secret_key_none: 'No secret key yet for this environment.',
  secret_key_create: 'Create a secret key',
  stripe_key_wrong_mode: 'This key is for the other environment: live needs sk_live_/pk_live_ keys, test needs sk_test_/pk_test_.',
} as const;

export const accountsFr: Record<keyof typeof accountsEn, string> = {
  env_label: 'Environnement',
  env_test_mode: 'Mode test',
  env_test_banner: 'Mode test : vous consultez des données de test. Rien ici ne débite d’argent réel, et les données live ne sont pas affichées.',
  env_switch_live: 'Passer aux données live',
  env_switch_test: 'Passer aux données de test',
  env_live: 'Live',
  setup_title: 'Configurer votre compte',
  setup_intro: 'Créez le compte de votre entreprise et son propriétaire. Vous serez connecté aussitôt ; l’environnement de test est prêt à l’essai, et la page « Passer en live » liste ce qu’il faut pour les paiements réels.',
  setup_business: 'Nom de l’entreprise',
  setup_password: 'Mot de passe',
  setup_password_hint: 'Au moins 12 caractères.',
  setup_submit: 'Créer le compte',
  secret_key_none: 'Pas encore de clé secrète pour cet environnement.',
  secret_key_create: 'Créer une clé secrète',
  stripe_key_wrong_mode: 'Cette clé est celle de l’autre environnement : le live demande des clés sk_live_/pk_live_, le test des clés sk_test_/pk_test_.',
};

export const accountsCss = `
.env-bar{background:#fff4d6;color:#5c4300;border-bottom:2px solid #e0b000;padding:8px 16px;margin:-8px 0 16px;border-radius:8px}
.env-bar p{margin:0}
.mode-toggle{margin:12px 8px 0}
.mode-toggle button{width:100%}
.mode-toggle button[aria-pressed=true]{background:#fff4d6;color:#5c4300;border-color:#e0b000}
`;
