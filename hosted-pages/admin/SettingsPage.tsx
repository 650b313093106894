import type { ComponentChildren } from 'preact';
import type { AdminT } from './i18n.ts';
import { Confirm, CopyField, Csrf, type Errors, Field, Radios } from './ui.tsx';
import { EndpointBadge, type EndpointStatus } from './WebhookPages.tsx';

export interface SettingsView {
  t: AdminT;
  csrf: string;
  mode: 'test' | 'live';
  values: Record<string, string>;
  errors: Errors;
  publishableKey: string;
  secretHint: string;
  /** Just rolled: the only time the full secret key is ever shown. */
  newSecret?: string;
  embedSecret: string;
  stripeSecretHint?: string;
  stripeWebhookHint?: string;
  /** `events`: the types, or "All events", as shown. */
  webhooks: { id: string; url: string; events: string; status: EndpointStatus }[];
  /** The next invoice number with the saved prefix, e.g. DEMO-2026-000042. */
  invoiceExample: string;
}

const Section = ({ id, title, children }: { id: string; title: string; children: ComponentChildren }) => (
  <section class="card" aria-labelledby={id}>
    <h2 id={id}>{title}</h2>
    {children}
  </section>
);

export function SettingsPage({ view }: { view: SettingsView }) {
  const { t, csrf, values: val, errors } = view;
  const common = { t, errors };
  return (
    <>
      <Section id="h-origins" title={t('origins')}>
        <form method="post" action="/admin/settings/origins" noValidate>
          <Csrf value={csrf} />
          <Field name="origins" label={t('origins')} hideLabel value={val.origins} hint={t('origins_help')} multiline {...common} />
          <button type="submit">{t('save')}</button>
        </form>
      </Section>

      <Section id="h-redirects" title={t('redirects')}>
        <form method="post" action="/admin/settings/redirects" noValidate>
          <Csrf value={csrf} />
          <p class="hint">{t('redirects_help')}</p>
          <Field name="success_url" label={t('success_url')} type="url" value={val.success_url} inputmode="url" {...common} />
          <Field name="cancel_url" label={t('cancel_url')} type="url" value={val.cancel_url} inputmode="url" {...common} />
          <button type="submit">{t('save')}</button>
        </form>
      </Section>

      <Section id="h-keys" title={t('keys')}>
        <CopyField id="publishable-key" label={t('publishable_key')} value={view.publishableKey} t={t} />
        {view.newSecret ? (
          <div class="alert ok" role="status">
            <p>{t('new_secret')}</p>
            <CopyField id="new-secret" label={t('secret_key')} value={view.newSecret} t={t} />
          </div>
        ) : (
          <dl class="details">
            <dt>{t('secret_key')}</dt>
            <dd class="mono" id="secret-hint">{view.secretHint || t('secret_key_none')}</dd>
          </dl>
        )}
        <p class="hint">{t('secret_key_hint')}</p>
        <Confirm id="roll-secret" summary={t('roll_secret')} text={t('roll_secret_text')} action="/admin/settings/secret-key/roll" csrf={csrf} button={t('roll_secret_confirm')} />
      </Section>

      <Section id="h-embed" title={t('embed_secret')}>
        <p class="hint">{t('embed_secret_help')}</p>
        <details class="field">
          <summary>{t('reveal')}</summary>
          <CopyField id="embed-secret" label={t('embed_secret')} hideLabel value={view.embedSecret} t={t} />
        </details>
        <Confirm id="roll-embed" summary={t('roll_embed')} text={t('roll_embed_text')} action="/admin/settings/embed-secret/roll" csrf={csrf} button={t('roll_secret_confirm')} />
      </Section>

      <Section id="h-gateway" title={t('gateway')}>
        <form method="post" action="/admin/settings/gateway" noValidate autocomplete="off">
          <Csrf value={csrf} />
          <Radios
            name="gateway"
            legend={t('gateway')}
            hideLegend
            value={val.gateway}
            options={[
              { value: 'test', label: t('gateway_test'), id: 'gw-test' },
              { value: 'stripe', label: t('gateway_stripe'), id: 'gw-stripe' },
            ]}
            {...common}
          />
          <div class="cascade-stripe">
            {/* Secrets are write-only: the page shows a hint of what is saved, never the value. */}
            <Field name="stripe_secret_key" label={t('stripe_secret')} type="password" hint={view.stripeSecretHint && t('stripe_saved_hint', { hint: view.stripeSecretHint })} autocomplete="off" {...common} />
            <Field name="stripe_publishable_key" label={t('stripe_publishable')} value={val.stripe_publishable_key} autocomplete="off" {...common} />
            <Field name="stripe_webhook_secret" label={t('stripe_webhook')} type="password" hint={view.stripeWebhookHint && t('stripe_saved_hint', { hint: view.stripeWebhookHint })} autocomplete="off" {...common} />
          </div>
          <button type="submit">{t('save')}</button>
        </form>
      </Section>

      <Section id="h-billing" title={t('billing_settings')}>
        <form method="post" action="/admin/settings/billing" noValidate>
          <Csrf value={csrf} />
          <p class="hint">{t('billing_settings_help')}</p>
          <Field name="invoice_prefix" label={t('invoice_prefix')} value={val.invoice_prefix} hint={t('invoice_prefix_hint', { example: view.invoiceExample })} autocomplete="off" {...common} />
          <Radios
            name="dunning_policy"
            legend={t('dunning_policy')}
            value={val.dunning_policy}
            options={[
              { value: 'cancel', label: t('dunning_cancel') },
              { value: 'unpaid', label: t('dunning_unpaid') },
              { value: 'past_due', label: t('dunning_past_due') },
            ]}
            {...common}
          />
          <button type="submit">{t('save')}</button>
        </form>
      </Section>

      <Section id="h-webhooks" title={t('webhooks')}>
        <p class="hint">{t('webhooks_help')}</p>
        {view.webhooks.length === 0 ? (
          <p>{t('no_webhooks')}</p>
        ) : (
          <table class="webhooks">
            <thead>
              <tr>
                <th scope="col">URL</th>
                <th scope="col">{t('events')}</th>
                <th scope="col">{t('status')}</th>
              </tr>
            </thead>
            <tbody>
              {view.webhooks.map((w) => (
                <tr key={w.id} data-webhook={w.id}>
                  {/* The URL is only ever text: the link goes to the endpoint's own page. */}
                  <td class="mono"><a href={`/admin/settings/webhooks/${w.id}`}>{w.url}</a></td>
                  <td class="small">{w.events}</td>
                  <td><EndpointBadge t={t} status={w.status} /></td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <p class="buttons">
          <a class="button secondary" href="/admin/settings/webhooks/new">{t('add_webhook')}</a>
        </p>
      </Section>
    </>
  );
}
