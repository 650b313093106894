import type { AdminT } from './i18n.ts';

export interface CustomerRowView {
  id: string;
  name: string;
  email: string | null;
  company: string | null;
  reference: string;
  paymentMethod: string;
  /** The current subscription's offer name and status, when the customer has one. */
  plan?: string;
  status?: { label: string; tone: 'okb' | 'warn' | '' };
  greyListed: boolean;
  anonymized: boolean;
  created: string;
  createdIso: string;
}

export interface CustomerListView {
  t: AdminT;
  q: string;
  rows: CustomerRowView[];
  nextHref?: string;
  firstHref?: string;
}

/** Subscribers: the search bar with the "+" menu beside it, then the newest customers first. */
export function CustomerList({ view }: { view: CustomerListView }) {
  const { t, q } = view;
  return (
    <>
      <search>
      <form method="get" action="/admin/customers" class="search-form">
        <label for="q">{t('search_label')}</label>
        <div class="search-row">
          <input id="q" type="search" name="q" value={q} aria-describedby="q-hint" />
          <button type="submit">{t('search_submit')}</button>
          {/* The "+" beside the search bar: <details> opens its menu without script, by mouse or keyboard. */}
          <details class="add-menu">
            <summary>
              <span aria-hidden="true">+</span>
              <span class="sr-only">{t('add_menu')}</span>
            </summary>
            <ul>
              <li>
                <a href="/admin/customers/new">{t('new_customer')}</a>
              </li>
            </ul>
          </details>
        </div>
        <p class="hint" id="q-hint">{t('search_hint')}</p>
      </form>
      </search>
      {q && (
        <p>
          {t('results_for', { q })} — <a href="/admin/customers">{t('clear_search')}</a>
        </p>
      )}
      <section class="card" aria-label={t('customers_title')}>
        {view.rows.length === 0 ? (
          <p>{q ? t('no_results', { q }) : t('no_customers')}</p>
        ) : (
          <table class="customers stack">
            <thead>
              <tr>
                <th scope="col">{t('col_customer')}</th>
                <th scope="col">{t('email')}</th>
                <th scope="col">{t('company')}</th>
                <th scope="col">{t('reference')}</th>
                <th scope="col">{t('col_plan')}</th>
                <th scope="col">{t('col_status')}</th>
                <th scope="col">{t('payment_method')}</th>
                <th scope="col">{t('created')}</th>
              </tr>
            </thead>
            <tbody>
              {view.rows.map((r) => (
                <tr key={r.id} data-customer={r.id}>
                  <td>
                    <a href={`/admin/customers/${r.id}`}>{r.name}</a>
                    {(r.greyListed || r.anonymized) && (
                      <div>
                        {r.greyListed && <span class="badge dark">{t('badge_grey')}</span>}
                        {r.anonymized && <span class="badge">{t('badge_anonymized')}</span>}
                      </div>
                    )}
                  </td>
                  <td data-label={t('email')}>{r.email}</td>
                  <td data-label={t('company')}>{r.company}</td>
                  <td data-label={t('reference')}>
                    <span class="ref" title={r.reference}>{r.reference}</span>
                  </td>
                  <td class="plan" data-label={t('col_plan')}>{r.plan ?? <span class="muted">{t('no_plan')}</span>}</td>
                  <td class="status" data-label={t('col_status')}>{r.status && <span class={`badge ${r.status.tone}`.trim()}>{r.status.label}</span>}</td>
                  <td data-label={t('payment_method')}>
                    <span class="badge">{r.paymentMethod}</span>
                  </td>
                  <td data-label={t('created')}>
                    <time dateTime={r.createdIso}>{r.created}</time>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      {(view.nextHref || view.firstHref) && (
        <nav aria-label={t('pagination')} class="buttons">
          {view.firstHref && (
            <a class="button secondary" href={view.firstHref}>
              {t('first_page')}
            </a>
          )}
          {view.nextHref && (
            <a class="button secondary" href={view.nextHref} rel="next">
              {t('next_page')}
            </a>
          )}
        </nav>
      )}
    </>
  );
}
