import type { AdminT } from './i18n.ts';
import { Csrf, type Errors, Field } from './ui.tsx';

export interface SetupView {
  t: AdminT;
  csrf: string;
  token: string;
  values: { name: string; email: string };
  errors: Errors;
}

/** First-run setup: the business and its owner, in one form that works without scripts. */
export function SetupForm({ view }: { view: SetupView }) {
  const { t } = view;
  return (
    <form method="post" action="/admin/setup" noValidate>
      <Csrf value={view.csrf} />
      <input type="hidden" name="token" value={view.token} />
      <p>{t('setup_intro')}</p>
      <Field name="name" label={t('setup_business')} value={view.values.name} errors={view.errors} t={t} autocomplete="organization" required />
      <Field name="email" label={t('email')} type="email" value={view.values.email} errors={view.errors} t={t} autocomplete="username" inputmode="email" required />
      <Field name="password" label={t('setup_password')} type="password" hint={t('setup_password_hint')} errors={view.errors} t={t} autocomplete="new-password" required />
      <button type="submit">{t('setup_submit')}</button>
    </form>
  );
}
