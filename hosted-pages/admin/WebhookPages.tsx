import type { AdminT } from './i18n.ts';
import { Confirm, CopyField, Csrf, type Errors, Field } from './ui.tsx';

export type EndpointStatus = 'enabled' | 'failing' | 'disabled';
export type DeliveryStatus = 'pending' | 'delivered' | 'failed';

const endpointBadge: Record<EndpointStatus, string> = { enabled: 'badge okb', failing: 'badge warn', disabled: 'badge' };
const deliveryBadge: Record<DeliveryStatus, string> = { delivered: 'badge okb', pending: 'badge', failed: 'badge warn' };

/** An endpoint's status as a badge: "Enabled" (green), "Failing" (red), "Disabled". */
export const EndpointBadge = ({ t, status }: { t: AdminT; status: EndpointStatus }) => (
  <span class={endpointBadge[status]}>{t(`webhook_status_${status}`)}</span>
);

export interface EventChoice {
  value: string;
  label: string;
}

export interface WebhookFormView {
  t: AdminT;
  csrf: string;
  url: string;
  /** The chosen event types ('*' for all). */
  events: string[];
  eventTypes: EventChoice[];
  errors: Errors;
}

/**
 * Adding an endpoint: its URL and the events it receives. "All events" hides the list (pure CSS,
 * `:has()`); without `:has()` both show and the server lets "all" win.
 */
export function WebhookForm({ view }: { view: WebhookFormView }) {
  const { t, errors } = view;
  const eventsError = errors.events;
  const chosen = new Set(view.events);
  const box = (id: string, value: string, label: string, hint?: string) => (
    <label class="choice" for={id} key={value}>
      <input type="checkbox" id={id} name="events" value={value} checked={chosen.has(value)} />
      <span>
        {label}
        {hint ? (
          <span class="hint">{hint}</span>
        ) : (
          <>
            {' '}
            {/* Event names may break after a dot (on a phone), never inside a word. */}
            <code class="muted small">{value.split('.').flatMap((part, i) => (i === 0 ? [part] : [<wbr key={i} />, `.${part}`]))}</code>
          </>
        )}
      </span>
    </label>
  );
  return (
    <section class="card" aria-label={t('new_webhook_title')}>
      <form method="post" action="/admin/settings/webhooks" noValidate>
        <Csrf value={view.csrf} />
        <Field name="url" label={t('webhook_url')} type="url" inputmode="url" value={view.url} hint={t('webhook_url_hint')} required autocomplete="off" t={t} errors={errors} />
        <fieldset class="field-events" aria-describedby={eventsError ? 'f-events-error' : undefined}>
          <legend>{t('events')}</legend>
          {box('f-events-all', '*', t('all_events'), t('all_events_hint'))}
          <div class="event-types">{view.eventTypes.map((e) => box(`f-events-${e.value.replaceAll('.', '-')}`, e.value, e.label))}</div>
          {eventsError && <p class="error" id="f-events-error">{t(eventsError)}</p>}
        </fieldset>
        <div class="buttons">
          <button type="submit">{t('save')}</button>
          <a href="/admin/settings#h-webhooks">{t('cancel')}</a>
        </div>
      </form>
    </section>
  );
}

export interface Time {
  text: string;
  iso: string;
}

export interface DeliveryView {
  id: string;
  eventId: string;
  eventType: string;
  status: DeliveryStatus;
  attempts: number;
  /** "HTTP 200", or the network error; '' before any attempt. */
  lastResponse: string;
  /** Pending deliveries only. */
  next?: Time;
  created: Time;
  delivered?: Time;
}

export interface WebhookPageView {
  t: AdminT;
  csrf: string;
  id: string;
  url: string;
  events: string;
  status: EndpointStatus;
  created: Time;
  /** Just created: the only time the signing secret is shown. */
  newSecret?: string;
  deliveries: DeliveryView[];
  limit: number;
}

const When = ({ time }: { time: Time }) => <time dateTime={time.iso}>{time.text}</time>;

/** One endpoint: what it receives, its status, its delivery history with "Resend", and deletion. */
export function WebhookPage({ view }: { view: WebhookPageView }) {
  const { t, csrf } = view;
  const base = `/admin/settings/webhooks/${view.id}`;
  return (
    <>
      {view.newSecret && (
        <div class="alert ok" role="status">
          <p>{t('webhook_created')}</p>
          <CopyField id="webhook-secret" label={t('signing_secret')} value={view.newSecret} t={t} />
        </div>
      )}
      <section class="card" aria-labelledby="h-endpoint">
        <h2 id="h-endpoint">{t('details')}</h2>
        <dl class="details">
          <dt>{t('webhook_url')}</dt>
          <dd class="mono" id="webhook-url">{view.url}</dd>
          <dt>{t('events')}</dt>
          <dd>{view.events}</dd>
          <dt>{t('status')}</dt>
          <dd id="webhook-status"><EndpointBadge t={t} status={view.status} /></dd>
          <dt>{t('created')}</dt>
          <dd><When time={view.created} /></dd>
        </dl>
        {view.status === 'failing' && <p class="hint">{t('webhook_failing_note')}</p>}
      </section>

      <section class="card" aria-labelledby="h-deliveries">
        <h2 id="h-deliveries">{t('deliveries')}</h2>
        <p class="hint">{t('deliveries_help', { n: view.limit })}</p>
        {view.deliveries.length === 0 ? (
          <p class="muted">{t('no_deliveries')}</p>
        ) : (
          <table class="deliveries">
            <thead>
              <tr>
                <th scope="col">{t('col_event')}</th>
                <th scope="col">{t('status')}</th>
                <th scope="col">{t('col_attempts')}</th>
                <th scope="col">{t('col_last_response')}</th>
                <th scope="col">{t('col_next_attempt')}</th>
                <th scope="col">{t('col_times')}</th>
                <th scope="col"><span class="sr-only">{t('resend')}</span></th>
              </tr>
            </thead>
            <tbody>
              {view.deliveries.map((d) => (
                <tr key={d.id} data-delivery={d.id} data-event={d.eventId}>
                  <td>
                    <div>{d.eventType}</div>
                    <div class="mono small muted">{d.eventId}</div>
                  </td>
                  <td><span class={deliveryBadge[d.status]}>{t(`delivery_${d.status}`)}</span></td>
                  <td class="attempts">{d.attempts}</td>
                  <td class="small last-response">{d.lastResponse || '—'}</td>
                  <td class="small">{d.next ? <When time={d.next} /> : '—'}</td>
                  <td class="small">
                    <div>{t('created_at_time', { time: d.created.text })}</div>
                    {d.delivered && <div>{t('delivered_at_time', { time: d.delivered.text })}</div>}
                  </td>
                  <td>
                    <form method="post" action={`${base}/deliveries/${d.id}/resend`}>
                      <Csrf value={csrf} />
                      <button type="submit" class="secondary small">
                        {t('resend')}
                        <span class="sr-only">{` ${d.eventType} ${d.eventId}`}</span>
                      </button>
                    </form>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>

      <section class="card" aria-label={t('delete_webhook')}>
        <Confirm id="delete-webhook" summary={t('delete_webhook')} text={t('delete_webhook_text', { url: view.url })} action={`${base}/delete`} csrf={csrf} button={t('delete_webhook_confirm')} />
      </section>
    </>
  );
}
