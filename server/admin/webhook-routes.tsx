import type { Hono } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import * as v from 'valibot';
import type { AdminKey, AdminT } from '../../hosted-pages/admin/i18n.ts';
import type { Errors } from '../../hosted-pages/admin/ui.tsx';
import { WebhookForm, WebhookPage } from '../../hosted-pages/admin/WebhookPages.tsx';
import { ApiError } from '../http/errors.ts';
import { resend } from '../webhooks/delivery.ts';
import { type Endpoint, webhookRepository } from '../webhooks/repository.ts';
import { EVENT_TYPES, type WebhookEndpointCreate, webhookEndpointCreateSchema } from '../webhooks/schema.ts';
import { createEndpoint, deleteEndpoint } from '../webhooks/service.ts';
import { type AC, type AdminEnv, type Form, readForm } from './context.ts';
import { formatDateTime } from './format.ts';
import { message, page, tr } from './render.tsx';
import { setFlash } from './session.ts';
import { settingsRepository } from './settings-repository.ts';

/** How many deliveries an endpoint's page shows (the newest). */
export const DELIVERY_PAGE = 50;

type EventType = (typeof EVENT_TYPES)[number];
const eventLabels: Record<EventType, AdminKey> = {
  'customer.created': 'ev_customer_created',
  'customer.updated': 'ev_customer_updated',
  'customer.deleted': 'ev_customer_deleted',
  'customer.anonymized': 'ev_customer_anonymized',
  'customer.grey_listed': 'ev_customer_grey_listed',
  'customer.payment_method.updated': 'ev_customer_payment_method_updated',
  'subscription.created': 'ev_subscription_created',
  'subscription.updated': 'ev_subscription_updated',
  'checkout_session.completed': 'ev_checkout_session_completed',
  'subscription.canceled': 'ev_subscription_canceled',
  'subscription.trial_will_end': 'ev_subscription_trial_will_end',
  'invoice.created': 'ev_invoice_created',
  'invoice.finalized': 'ev_invoice_finalized',
  'invoice.paid': 'ev_invoice_paid',
  'invoice.payment_failed': 'ev_invoice_payment_failed',
  'invoice.payment_action_required': 'ev_invoice_payment_action_required',
  'invoice.voided': 'ev_invoice_voided',
  'invoice.marked_uncollectible': 'ev_invoice_marked_uncollectible',
};

/** "All events", or the event types themselves (the codes a developer matches on). */
export const eventsText = (t: AdminT, events: readonly string[]): string => (events.includes('*') ? t('all_events') : events.join(', '));

export interface ParsedWebhookForm {
  url: string;
  events: string[];
  errors: Errors;
  input?: WebhookEndpointCreate;
}

/**
 * Reads the form and validates it with the API's own schema (`POST /v1/webhook_endpoints`). Two
 * additions a person filling a form needs: "all events" wins over single choices, and the URL must
 * be http(s) (the schema's URL check alone would let `ftp:` or `mailto:` addresses through).
 */
export function parseWebhookForm(form: Form): ParsedWebhookForm {
  const url = form.text('url');
  const chosen = [...new Set(form.all('events'))];
  const events = chosen.includes('*') ? ['*'] : chosen;
  const errors: Errors = {};
  if (!url) errors.url = 'required';
  else if (!/^https?:\/\//i.test(url)) errors.url = 'webhook_url_invalid';
  if (events.length === 0) errors.events = 'webhook_events_required';
  const result = v.safeParse(webhookEndpointCreateSchema, { url, events }, { abortEarly: false });
  if (!result.success) {
    for (const issue of result.issues) {
      const field = String(issue.path?.[0]?.key ?? '');
      if (field === 'url') errors.url ??= issue.type === 'max_length' ? 'too_long' : 'webhook_url_invalid';
      else if (field === 'events') errors.events ??= events.length === 0 ? 'webhook_events_required' : 'invalid_value';
      else errors.url ??= 'invalid_value';
    }
  }
  const ok = result.success && Object.keys(errors).length === 0;
  return { url, events, errors, input: ok ? result.output : undefined };
}

function renderForm(c: AC, o: { url?: string; events?: string[]; errors?: Errors; status?: ContentfulStatusCode } = {}) {
  const t = tr(c);
  const view = {
    t,
    csrf: c.var.session.csrfToken,
    url: o.url ?? '',
    events: o.events ?? [],
    eventTypes: EVENT_TYPES.map((type) => ({ value: type, label: t(eventLabels[type]) })),
    errors: o.errors ?? {},
  };
  const back = <a class="button secondary" href="/admin/settings#h-webhooks">{t('back_to_settings')}</a>;
  return page(c, { title: t('new_webhook_title'), nav: 'settings', status: o.status, heading: back, body: <WebhookForm view={view} /> });
}

async function renderEndpoint(c: AC, endpoint: Endpoint, o: { newSecret?: string; status?: ContentfulStatusCode } = {}) {
  const t = tr(c);
  const { locale } = c.var;
  const time = (iso: string) => ({ text: formatDateTime(locale, iso), iso });
  const rows = await webhookRepository(c.var.deps.db).deliveries(endpoint.id, DELIVERY_PAGE);
  const view = {
    t,
    csrf: c.var.session.csrfToken,
    id: endpoint.id,
    url: endpoint.url,
    events: eventsText(t, endpoint.events),
    status: endpoint.status,
    created: time(endpoint.createdAt),
    newSecret: o.newSecret,
    limit: DELIVERY_PAGE,
    deliveries: rows.map((d) => ({
      id: d.id,
      eventId: d.eventId,
      eventType: d.eventType,
      status: d.status,
      attempts: d.attempts,
      lastResponse: d.lastStatus !== null ? `HTTP ${d.lastStatus}` : (d.lastError ?? ''),
      next: d.status === 'pending' ? time(d.nextAttemptAt) : undefined,
      created: time(d.createdAt),
      delivered: d.deliveredAt ? time(d.deliveredAt) : undefined,
    })),
  };
  const back = <a class="button secondary" href="/admin/settings#h-webhooks">{t('back_to_settings')}</a>;
  return page(c, { title: t('webhook_title'), nav: 'settings', status: o.status, heading: back, body: <WebhookPage view={view} /> });
}

const notFound = (c: AC) => message(c, 'not_found_title', 'not_found_body', 404, { href: '/admin/settings', label: 'back_to_settings' });

/**
 * Webhook endpoints in the settings (owner only: mounted under /settings, behind its guard). The
 * same service as the API creates and deletes them; "Resend" is the API's resend.
 */
export function webhookSettingsRoutes(admin: Hono<AdminEnv>): void {
  const endpointOf = (c: AC) => webhookRepository(c.var.deps.db).endpoint(c.var.merchant.id, c.req.param('id') ?? '');

  admin.get('/settings/webhooks/new', (c) => renderForm(c));
  // Where the language switcher points on pages answered from the POST below (form errors, secret).
  admin.get('/settings/webhooks', (c) => c.redirect('/admin/settings#h-webhooks', 303));

  // Rendered straight from the POST (as the rolled secret key is): the signing secret shows in
  // this one response, never in a flash or a page that can be loaded again.
  admin.post('/settings/webhooks', async (c) => {
    const parsed = parseWebhookForm(await readForm(c));
    const again = { url: parsed.url, events: parsed.events };
    if (!parsed.input) return renderForm(c, { ...again, errors: parsed.errors, status: 422 });
    let endpoint: Endpoint;
    try {
      endpoint = await createEndpoint(c.var.deps, c.var.merchant, parsed.input);
    } catch (error) {
      // Live mode refuses http, and private addresses are refused: said beside the URL.
      if (error instanceof ApiError && error.param === 'url') {
        return renderForm(c, { ...again, errors: { url: error.code === 'url_private' ? 'webhook_url_private' : 'webhook_https_required' }, status: 422 });
      }
      throw error;
    }
    return renderEndpoint(c, endpoint, { newSecret: endpoint.secret, status: 201 });
  });

  admin.get('/settings/webhooks/:id', async (c) => {
    const endpoint = await endpointOf(c);
    return endpoint ? renderEndpoint(c, endpoint) : notFound(c);
  });

  admin.post('/settings/webhooks/:id/deliveries/:delivery/resend', async (c) => {
    const endpoint = await endpointOf(c);
    const deliveryId = c.req.param('delivery');
    const { db, clock } = c.var.deps;
    const delivery = endpoint && (await settingsRepository(db, clock).webhookDelivery(endpoint.id, deliveryId));
    if (!endpoint || !delivery) return notFound(c);
    await resend(db, deliveryId, clock());
    await setFlash(c, { kind: 'ok', key: 'webhook_resent', vars: { event: `${delivery.event_type} ${delivery.event_id}` } });
    return c.redirect(`/admin/settings/webhooks/${endpoint.id}`, 303);
  });

  admin.post('/settings/webhooks/:id/delete', async (c) => {
    const endpoint = await endpointOf(c);
    if (!endpoint) return notFound(c);
    await deleteEndpoint(c.var.deps, endpoint);
    await setFlash(c, { kind: 'ok', key: 'webhook_deleted', vars: { url: endpoint.url } });
    return c.redirect('/admin/settings', 303);
  });
}
