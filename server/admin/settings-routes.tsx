import type { Hono } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { SettingsPage } from '../../hosted-pages/admin/SettingsPage.tsx';
import type { Errors } from '../../hosted-pages/admin/ui.tsx';
import { clockFor } from '../billing/clock.ts';
import { billingSettings, type DunningPolicy, formatNumber, PREFIX_PATTERN, setBillingSettings } from '../invoices/numbering.ts';
import { merchantRepository } from '../merchants/repository.ts';
import { urlOnAllowedOrigin } from '../merchants/origins.ts';
import { webhookRepository } from '../webhooks/repository.ts';
import { ownerOnly } from './auth-routes.tsx';
import { type AC, type AdminEnv, readForm } from './context.ts';
import { page, tr } from './render.tsx';
import { setFlash } from './session.ts';
import { settingsRepository } from './settings-repository.ts';
import { eventsText, webhookSettingsRoutes } from './webhook-routes.tsx';

const MAX_ORIGINS = 50;
const DUNNING_POLICIES: readonly DunningPolicy[] = ['cancel', 'unpaid', 'past_due'];

/** `https://shop.example`, `http://localhost:8080` or `http://localhost:*` (any port), normalized; undefined otherwise. */
export function parseOrigin(line: string): string | undefined {
  const match = /^(https?):\/\/(\[[0-9a-fA-F:.]+\]|[^/:?#\s@\\]+)(?::(\d{1,5}|\*))?\/?$/i.exec(line);
  if (!match) return undefined;
  const [, scheme, host, port] = match;
  try {
    const url = new URL(`${scheme}://${host}${port && port !== '*' ? `:${port}` : ''}`);
    return port === '*' ? `${url.protocol}//${url.hostname}:*` : url.origin;
  } catch {
    return undefined;
  }
}

/** Shows "sk_live_…abcd" of a saved secret, never the secret. */
const hintOf = (secret: string | null): string | undefined => (secret ? `${secret.slice(0, 8)}…${secret.slice(-4)}` : undefined);

async function render(c: AC, o: { values?: Record<string, string>; errors?: Errors; newSecret?: string; status?: ContentfulStatusCode } = {}) {
  const t = tr(c);
  const { db, clock } = c.var.deps;
  const m = (await merchantRepository(db).byId(c.var.merchant.id)) ?? c.var.merchant;
  const [publishableKey, secretHint, webhooks, billing, billingClock] = await Promise.all([
    merchantRepository(db).publishableKey(m.id),
    settingsRepository(db, clock).secretKeyHint(m.id),
    webhookRepository(db).endpoints(m.id, 50),
    billingSettings(db, m),
    clockFor(c.var.deps, m),
  ]);
  const values = {
    origins: m.allowedOrigins.join('\n'),
    success_url: m.successUrl ?? '',
    cancel_url: m.cancelUrl ?? '',
    gateway: m.gateway,
    stripe_publishable_key: m.stripePublishableKey ?? '',
    invoice_prefix: billing.invoicePrefix,
    dunning_policy: billing.dunningPolicy,
    ...o.values,
  };
  const view = {
    t,
    csrf: c.var.session.csrfToken,
    mode: m.mode,
    values,
    errors: o.errors ?? {},
    publishableKey: publishableKey ?? '',
    secretHint: secretHint ?? '',
    newSecret: o.newSecret,
    embedSecret: m.embedSecret,
    stripeSecretHint: hintOf(m.stripeSecretKey),
    stripeWebhookHint: hintOf(m.stripeWebhookSecret),
    webhooks: webhooks.map((w) => ({ id: w.id, url: w.url, events: eventsText(t, w.events), status: w.status })),
    // What the next invoice's number would look like with the saved prefix (the counter's next value).
    invoiceExample: formatNumber(billing.invoicePrefix, billingClock().getUTCFullYear(), billing.invoiceCounter + 1),
  };
  return page(c, { title: t('settings_title'), nav: 'settings', status: o.status, body: <SettingsPage view={view} /> });
}

export function settingsRoutes(admin: Hono<AdminEnv>): void {
  // Every settings route is the owner's: keys, secrets and the gateway.
  admin.use('/settings/*', async (c, next) => {
    const refused = ownerOnly(c);
    if (refused) return refused;
    await next();
  });
  admin.use('/settings', async (c, next) => ownerOnly(c) ?? next());

  const repo = (c: AC) => settingsRepository(c.var.deps.db, c.var.deps.clock);
  const saved = async (c: AC, key: 'settings_saved' | 'embed_rolled' = 'settings_saved') => {
    await setFlash(c, { kind: 'ok', key });
    return c.redirect('/admin/settings', 303);
  };

  admin.get('/settings', (c) => render(c));

  admin.post('/settings/origins', async (c) => {
    const text = (await readForm(c)).all('origins')[0] ?? '';
    const lines = text.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
    const origins = lines.map(parseOrigin);
    if (lines.length > MAX_ORIGINS || origins.some((o) => o === undefined)) {
      return render(c, { values: { origins: text }, errors: { origins: 'origins_invalid' }, status: 422 });
    }
    await repo(c).setOrigins(c.var.merchant.id, [...new Set(origins as string[])]);
    return saved(c);
  });

  admin.post('/settings/redirects', async (c) => {
    const form = await readForm(c);
    const values = { success_url: form.text('success_url'), cancel_url: form.text('cancel_url') };
    const errors: Errors = {};
    for (const [field, url] of Object.entries(values)) {
      if (url && (url.length > 2000 || !urlOnAllowedOrigin(url, c.var.merchant.allowedOrigins))) errors[field] = 'url_invalid';
    }
    if (Object.keys(errors).length > 0) return render(c, { values, errors, status: 422 });
    await repo(c).setRedirects(c.var.merchant.id, values.success_url || null, values.cancel_url || null);
    return saved(c);
  });

  // Rendered straight from the POST (not via a redirect and a stored flash): the new secret is
  // never written anywhere but this one response.
  admin.post('/settings/secret-key/roll', async (c) => {
    const secret = await repo(c).rollSecretKey(c.var.merchant);
    return render(c, { newSecret: secret });
  });

  admin.post('/settings/embed-secret/roll', async (c) => {
    await repo(c).setEmbedSecret(c.var.merchant.id);
    return saved(c, 'embed_rolled');
  });

  admin.post('/settings/gateway', async (c) => {
    const form = await readForm(c);
    const m = c.var.merchant;
    const gateway = form.text('gateway');
    const secret = form.text('stripe_secret_key');
    const publishable = form.text('stripe_publishable_key');
    const webhook = form.text('stripe_webhook_secret');
    const values = { gateway, stripe_publishable_key: publishable };
    const errors: Errors = {};
    if (gateway !== 'test' && gateway !== 'stripe') errors.gateway = 'invalid_value';
    if (gateway === 'test' && m.mode !== 'test') errors.gateway = 'test_gateway_live';
    if (gateway === 'stripe') {
      if (secret && !/^(sk|rk)_(test|live)_[0-9A-Za-z]{10,250}$/.test(secret)) errors.stripe_secret_key = 'stripe_secret_invalid';
      if (!secret && !m.stripeSecretKey && !c.var.deps.config.stripe?.secretKey) errors.stripe_secret_key = 'stripe_secret_required';
      if (publishable && !/^pk_(test|live)_[0-9A-Za-z]{10,250}$/.test(publishable)) errors.stripe_publishable_key = 'stripe_publishable_invalid';
      if (webhook && !/^whsec_[0-9A-Za-z+/=]{10,250}$/.test(webhook)) errors.stripe_webhook_secret = 'stripe_webhook_invalid';
      // Keys of the other environment's mode: live never runs on Stripe's test keys, nor test on live ones.
      const other = m.mode === 'live' ? '_test_' : '_live_';
      if (!errors.stripe_secret_key && secret.includes(other)) errors.stripe_secret_key = 'stripe_key_wrong_mode';
      if (!errors.stripe_publishable_key && publishable.includes(other)) errors.stripe_publishable_key = 'stripe_key_wrong_mode';
    }
    if (Object.keys(errors).length > 0) return render(c, { values, errors, status: 422 });
    await repo(c).setGateway({
      id: m.id,
      gateway: gateway as 'test' | 'stripe',
      // Blank secret fields keep what is saved: the page never shows them back to be re-typed.
      stripeSecretKey: secret || m.stripeSecretKey,
      stripePublishableKey: gateway === 'stripe' ? publishable || null : m.stripePublishableKey,
      stripeWebhookSecret: webhook || m.stripeWebhookSecret,
    });
    return saved(c);
  });

  // Both fields or neither: a bad prefix saves no policy either, and each error sits by its field.
  admin.post('/settings/billing', async (c) => {
    const form = await readForm(c);
    const values = { invoice_prefix: form.text('invoice_prefix'), dunning_policy: form.text('dunning_policy') };
    const prefix = values.invoice_prefix.toUpperCase();
    const policy = DUNNING_POLICIES.find((p) => p === values.dunning_policy);
    const errors: Errors = {};
    if (!PREFIX_PATTERN.test(prefix)) errors.invoice_prefix = 'invoice_prefix_invalid';
    if (!policy) errors.dunning_policy = 'dunning_invalid';
    if (!policy || Object.keys(errors).length > 0) return render(c, { values, errors, status: 422 });
    await setBillingSettings(c.var.deps.db, c.var.merchant, { invoicePrefix: prefix, dunningPolicy: policy });
    return saved(c);
  });

  // After the owner-only guard above: webhook endpoints are settings too.
  webhookSettingsRoutes(admin);
}
