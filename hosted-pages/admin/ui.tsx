import type { ComponentChildren } from 'preact';
import type { AdminKey, AdminLocale, AdminT } from './i18n.ts';

export type NavKey = 'customers' | 'offers' | 'tables' | 'settings' | 'team' | 'invoices' | 'test_clock';
export type Errors = Partial<Record<string, AdminKey>>;

export interface FlashView {
  kind: 'ok' | 'error';
  text: string;
  secret?: string;
  secretLabel?: string;
}

/** What every signed-in page needs: who, for which merchant, in which language, and the CSRF token. */
export interface Shell {
  locale: AdminLocale;
  t: AdminT;
  csrf: string;
  user: { email: string; role: 'owner' | 'member' };
  merchant: { name: string; mode: 'test' | 'live' };
  nav?: NavKey;
  /** The current page in each language (the switcher's links). */
  langHref: Record<AdminLocale, string>;
  flash?: FlashView;
}

export const Csrf = ({ value }: { value: string }) => <input type="hidden" name="_csrf" value={value} />;

export function LangSwitch({ locale, hrefs, label }: { locale: AdminLocale; hrefs: Record<AdminLocale, string>; label: string }) {
  return (
    <nav class="lang" aria-label={label}>
      <a href={hrefs.en} lang="en" hreflang="en" aria-current={locale === 'en' ? 'true' : undefined}>English</a>
      <a href={hrefs.fr} lang="fr" hreflang="fr" aria-current={locale === 'fr' ? 'true' : undefined}>Français</a>
    </nav>
  );
}

/** A value shown once (portal link, new secret key): selectable text, plus a copy button when scripts run. */
export function CopyField({ id, label, value, t, hideLabel }: { id: string; label: string; value: string; t: AdminT; hideLabel?: boolean }) {
  return (
    <div class="field">
      <label for={id} class={hideLabel ? 'sr-only' : undefined}>{label}</label>
      <div class="copy-row">
        <input id={id} type="text" value={value} readOnly class="mono" spellcheck={false} />
        {/* Hidden until admin.js runs: without scripts, the text is selected and copied by hand. */}
        <button type="button" class="secondary" data-copy={id} data-copied={t('copied')} hidden>
          {t('copy')}
        </button>
      </div>
    </div>
  );
}

export function FlashBox({ flash, t }: { flash: FlashView; t: AdminT }) {
  return (
    <div class={flash.kind === 'ok' ? 'alert ok' : 'alert'} role={flash.kind === 'ok' ? 'status' : 'alert'}>
      <p>{flash.text}</p>
      {flash.secret && <CopyField id="flash-secret" label={flash.secretLabel ?? t('copy')} value={flash.secret} t={t} />}
    </div>
  );
}

export function Layout({ shell, title, children, heading }: { shell: Shell; title: string; children: ComponentChildren; heading?: ComponentChildren }) {
  const { t, nav } = shell;
  const items: { key: NavKey; href: string; label: AdminKey; owner?: boolean }[] = [
    { key: 'customers', href: '/admin/customers', label: 'nav_customers' },
    { key: 'invoices', href: '/admin/invoices', label: 'nav_invoices' },
    { key: 'offers', href: '/admin/offers', label: 'nav_offers' },
    { key: 'tables', href: '/admin/pricing-tables', label: 'nav_tables' },
    { key: 'settings', href: '/admin/settings', label: 'nav_settings', owner: true },
    { key: 'team', href: '/admin/team', label: 'nav_team', owner: true },
  ];
  if (shell.merchant.mode === 'test') items.push({ key: 'test_clock', href: '/admin/test-clock', label: 'nav_test_clock' });
  return (
    <>
      <a class="skip" href="#main">{t('skip')}</a>
      <div class="shell">
        <header class="side">
          {/* Phones: the menu folds behind this checkbox's label, which works without script. */}
          <input type="checkbox" id="menu-toggle" class="menu-toggle" aria-controls="side-menu" />
          <div class="side-top">
            <div>
              <p class="brand">{t('app_name')}</p>
              <p class="merchant-name">
                {shell.merchant.name}
                {shell.merchant.mode === 'test' && <span class="test-banner">{t('test_mode')}</span>}
              </p>
            </div>
            <label for="menu-toggle" class="menu-button">{t('menu')}</label>
          </div>
          <div class="side-menu" id="side-menu">
            <nav aria-label={t('nav_label')}>
              <ul>
                {items
                  .filter((i) => !i.owner || shell.user.role === 'owner')
                  .map((i) => (
                    <li key={i.key}>
                      <a href={i.href} aria-current={nav === i.key ? 'page' : undefined}>{t(i.label)}</a>
                    </li>
                  ))}
              </ul>
            </nav>
            <div class="foot">
              <LangSwitch locale={shell.locale} hrefs={shell.langHref} label={t('language')} />
              <span>{t('signed_in_as', { email: shell.user.email })}</span>
              <form method="post" action="/admin/logout">
                <Csrf value={shell.csrf} />
                <button type="submit">{t('logout')}</button>
              </form>
            </div>
          </div>
        </header>
        <main id="main" class="content" tabIndex={-1}>
          <div class="topbar">
            <h1>{title}</h1>
            {heading}
          </div>
          {shell.flash && <FlashBox flash={shell.flash} t={t} />}
          {children}
        </main>
      </div>
    </>
  );
}

interface FieldProps {
  name: string;
  label: string;
  value?: string;
  errors?: Errors;
  t: AdminT;
  type?: string;
  hint?: string;
  optional?: boolean;
  required?: boolean;
  autocomplete?: string;
  inputmode?: 'numeric' | 'decimal' | 'email' | 'text' | 'url';
  multiline?: boolean;
  /** The label only for assistive technology: when the section's heading right above already says it. */
  hideLabel?: boolean;
}

/** A labelled input whose error sits right under it, tied by aria-describedby. */
export function Field({ name, label, value, errors, t, type = 'text', hint, optional, required, autocomplete, inputmode, multiline, hideLabel }: FieldProps) {
  const id = `f-${name}`;
  const error = errors?.[name];
  const describedBy = [hint && `${id}-hint`, error && `${id}-error`].filter(Boolean).join(' ') || undefined;
  const common = {
    id,
    name,
    required,
    autocomplete,
    'aria-invalid': error ? ('true' as const) : undefined,
    'aria-describedby': describedBy,
  };
  return (
    <div class={`field field-${name}`}>
      <label for={id} class={hideLabel ? 'sr-only' : undefined}>
        {label}
        {optional && <span class="muted"> ({t('optional')})</span>}
      </label>
      {multiline ? <textarea {...common} value={value ?? ''} /> : <input {...common} type={type} value={value ?? ''} inputMode={inputmode} />}
      {hint && <p class="hint" id={`${id}-hint`}>{hint}</p>}
      {error && <p class="error" id={`${id}-error`}>{t(error)}</p>}
    </div>
  );
}

export function SelectField({ name, label, value, options, errors, t, placeholder, autocomplete }: {
  name: string;
  label: string;
  value?: string;
  options: { value: string; label: string }[];
  errors?: Errors;
  t: AdminT;
  placeholder?: string;
  autocomplete?: string;
}) {
  const id = `f-${name}`;
  const error = errors?.[name];
  return (
    <div class={`field field-${name}`}>
      <label for={id}>{label}</label>
      <select id={id} name={name} autocomplete={autocomplete} aria-invalid={error ? 'true' : undefined} aria-describedby={error ? `${id}-error` : undefined}>
        {placeholder !== undefined && <option value="">{placeholder}</option>}
        {options.map((o) => (
          <option key={o.value} value={o.value} selected={o.value === value}>{o.label}</option>
        ))}
      </select>
      {error && <p class="error" id={`${id}-error`}>{t(error)}</p>}
    </div>
  );
}

/** A radio group in a fieldset: the legend names it, the error sits under the choices. */
export function Radios({ name, legend, value, options, errors, t, idPrefix, hideLegend }: {
  name: string;
  legend: string;
  /** The legend only for assistive technology (the section's heading says it); the box goes too. */
  hideLegend?: boolean;
  value?: string;
  options: { value: string; label: string; id?: string }[];
  errors?: Errors;
  t: AdminT;
  idPrefix?: string;
}) {
  const error = errors?.[name];
  const errorId = `f-${name}-error`;
  return (
    <fieldset class={hideLegend ? `field-${name} bare` : `field-${name}`} aria-describedby={error ? errorId : undefined}>
      <legend class={hideLegend ? 'sr-only' : undefined}>{legend}</legend>
      {options.map((o) => {
        const id = o.id ?? `${idPrefix ?? `f-${name}`}-${o.value}`;
        return (
          <label class="choice" for={id} key={o.value}>
            <input type="radio" id={id} name={name} value={o.value} checked={o.value === value} aria-invalid={error ? 'true' : undefined} />
            <span>{o.label}</span>
          </label>
        );
      })}
      {error && <p class="error" id={errorId}>{t(error)}</p>}
    </fieldset>
  );
}

/** A destructive action behind a disclosure: the first click explains, the second one acts. */
export function Confirm({ summary, text, action, csrf, button, id }: { summary: string; text: string; action: string; csrf: string; button: string; id: string }) {
  return (
    <details class="confirm" id={id}>
      <summary>{summary}</summary>
      <form method="post" action={action}>
        <Csrf value={csrf} />
        <p>{text}</p>
        <button type="submit" class="danger">{button}</button>
      </form>
    </details>
  );
}
