import { Fragment } from 'preact';
import type { AdminT } from './i18n.ts';
import { Confirm, Csrf } from './ui.tsx';

export interface Line {
  label: string;
  value: string;
  mono?: boolean;
}

export interface Dated {
  text: string;
  at: string;
  iso: string;
}

export interface CustomerPageView {
  t: AdminT;
  csrf: string;
  id: string;
  name: string;
  anonymized: boolean;
  greyListed: boolean;
  /** A trialing or active subscription: delete and anonymize are refused. */
  hasLive: boolean;
  portal: boolean;
  details: Line[];
  address: Line[];
  subscriptions: { id: string; offer: string; status: string; periodEnd: string; trialEnd: string }[];
  recent: Dated[];
  upcoming: Dated[];
}

function DatedList({ items, empty }: { items: Dated[]; empty: string }) {
  if (items.length === 0) return <p class="muted">{empty}</p>;
  return (
    <ul class="plain">
      {items.map((i) => (
        <li key={`${i.iso}-${i.text}`}>
          <time dateTime={i.iso} class="muted small">{i.at}</time>
          <div>{i.text}</div>
        </li>
      ))}
    </ul>
  );
}

function Lines({ lines }: { lines: Line[] }) {
  return (
    <dl class="details">
      {lines.map((l) => (
        <Fragment key={l.label}>
          <dt>{l.label}</dt>
          {/* Ids and references are tokens: never broken across lines (cut with an ellipsis if too long). */}
          <dd>{l.mono && l.value ? <span class="ref" title={l.value}>{l.value}</span> : l.value || '—'}</dd>
        </Fragment>
      ))}
    </dl>
  );
}

/** One customer: details, address, subscriptions, activity, and what the merchant can do about them. */
export function CustomerPage({ view }: { view: CustomerPageView }) {
  const { t, csrf } = view;
  const base = `/admin/customers/${view.id}`;
  return (
    <>
      {(view.greyListed || view.anonymized) && (
        <p>
          {view.greyListed && <span class="badge dark">{t('badge_grey')}</span>}
          {view.anonymized && <span class="badge">{t('badge_anonymized')}</span>}
        </p>
      )}
      <div class="cols">
        <section class="card" aria-labelledby="h-details">
          <h2 id="h-details">{t('details')}</h2>
          <Lines lines={view.details} />
        </section>
        <section class="card" aria-labelledby="h-address">
          <h2 id="h-address">{t('billing_address')}</h2>
          {view.address.length > 0 ? <Lines lines={view.address} /> : <p class="muted">{t('no_address')}</p>}
        </section>
      </div>

      <section class="card" aria-labelledby="h-subs">
        <h2 id="h-subs">{t('subscriptions')}</h2>
        {view.subscriptions.length === 0 ? (
          <p class="muted">{t('no_subscriptions')}</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th scope="col">{t('col_offer')}</th>
                <th scope="col">{t('status')}</th>
                <th scope="col">{t('col_trial_end')}</th>
                <th scope="col">{t('col_period_end')}</th>
              </tr>
            </thead>
            <tbody>
              {view.subscriptions.map((s) => (
                <tr key={s.id}>
                  <td>{s.offer}</td>
                  <td><span class="badge">{s.status}</span></td>
                  <td>{s.trialEnd}</td>
                  <td>{s.periodEnd}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <p><a href={`${base}/billing`}>{t('manage_billing')}</a></p>
      </section>

      <div class="cols">
        <section class="card" aria-labelledby="h-upcoming">
          <h2 id="h-upcoming">{t('upcoming_activity')}</h2>
          <DatedList items={view.upcoming} empty={t('no_upcoming')} />
        </section>
        <section class="card" aria-labelledby="h-recent">
          <h2 id="h-recent">{t('recent_activity')}</h2>
          <DatedList items={view.recent} empty={t('no_activity')} />
        </section>
      </div>

      <section class="card" aria-labelledby="h-actions">
        <h2 id="h-actions">{t('actions')}</h2>
        <div class="actions">
          {view.greyListed && (
            <form method="post" action={`${base}/grey-list/remove`}>
              <Csrf value={csrf} />
              <p class="small">{t('grey_note')}</p>
              <button type="submit">{t('remove_grey')}</button>
            </form>
          )}
          {view.portal && !view.anonymized && (
            <form method="post" action={`${base}/portal-link`}>
              <Csrf value={csrf} />
              <button type="submit" class="secondary">{t('portal_link')}</button>
            </form>
          )}
          <form method="post" action={`${base}/revoke-links`}>
            <Csrf value={csrf} />
            <button type="submit" class="secondary" aria-describedby="revoke-help">{t('revoke_links')}</button>
            <p class="hint" id="revoke-help">{t('revoke_help')}</p>
          </form>
          {view.hasLive && <p class="small" id="live-note">{t('active_blocks_note')}</p>}
          {!view.anonymized && (
            <Confirm
              id="anonymize"
              summary={t('anonymize')}
              text={t('anonymize_confirm_text', { name: view.name })}
              action={`${base}/anonymize`}
              csrf={csrf}
              button={t('anonymize_confirm')}
            />
          )}
          <Confirm
            id="delete"
            summary={t('delete')}
            text={t('delete_confirm_text', { name: view.name })}
            action={`${base}/delete`}
            csrf={csrf}
            button={t('delete_confirm')}
          />
        </div>
      </section>
    </>
  );
}
