import type { AdminT } from './i18n.ts';
import { Csrf, type Errors, Field } from './ui.tsx';

export interface LoginView {
  t: AdminT;
  csrf: string;
  email: string;
  next: string;
  /** A sentence under the title: wrong password, locked, logged out. */
  notice?: { kind: 'ok' | 'error'; text: string };
}

export function LoginForm({ view }: { view: LoginView }) {
  const { t } = view;
  return (
    <form method="post" action="/admin/login" noValidate>
      <Csrf value={view.csrf} />
      <input type="hidden" name="next" value={view.next} />
      {view.notice && (
        <div class={view.notice.kind === 'ok' ? 'alert ok' : 'alert'} role={view.notice.kind === 'ok' ? 'status' : 'alert'} id="login-notice">
          {view.notice.text}
        </div>
      )}
      <Field name="email" label={t('email')} type="email" value={view.email} t={t} autocomplete="username" inputmode="email" required />
      <Field name="password" label={t('password')} type="password" t={t} autocomplete="current-password" required />
      <button type="submit">{t('login_submit')}</button>
    </form>
  );
}

export function SetPasswordForm({ t, action, csrf, intro, errors }: { t: AdminT; action: string; csrf: string; intro: string; errors: Errors }) {
  return (
    <form method="post" action={action} noValidate>
      <Csrf value={csrf} />
      <p>{intro}</p>
      <Field name="password" label={t('new_password')} type="password" t={t} hint={t('password_hint')} errors={errors} autocomplete="new-password" required />
      <Field name="password_confirm" label={t('password_confirm')} type="password" t={t} errors={errors} autocomplete="new-password" required />
      <button type="submit">{t('save_password')}</button>
    </form>
  );
}

export interface TeamView {
  t: AdminT;
  csrf: string;
  users: { email: string; role: 'owner' | 'member'; invited: boolean }[];
  email: string;
  errors: Errors;
}

export function TeamPage({ view }: { view: TeamView }) {
  const { t } = view;
  return (
    <>
      <section class="card" aria-labelledby="team-members">
        <h2 id="team-members">{t('team_title')}</h2>
        <p class="muted">{t('team_intro')}</p>
        <table>
          <thead>
            <tr>
              <th scope="col">{t('email')}</th>
              <th scope="col">{t('role')}</th>
            </tr>
          </thead>
          <tbody>
            {view.users.map((u) => (
              <tr key={u.email}>
                <td>{u.email}</td>
                <td>
                  {t(u.role === 'owner' ? 'role_owner' : 'role_member')}
                  {u.invited && <span class="badge">{t('invited_pending')}</span>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <section class="card" aria-labelledby="team-invite">
        <h2 id="team-invite">{t('invite_heading')}</h2>
        <form method="post" action="/admin/team/invite" noValidate>
          <Csrf value={view.csrf} />
          <Field name="email" label={t('email')} type="email" value={view.email} errors={view.errors} t={t} autocomplete="off" inputmode="email" required />
          <button type="submit">{t('invite_submit')}</button>
        </form>
      </section>
    </>
  );
}
