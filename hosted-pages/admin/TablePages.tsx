import type { ComponentChildren } from 'preact';
import type { AdminT } from './i18n.ts';
import { Csrf, type Errors, Field, SelectField } from './ui.tsx';

interface OfferChoice {
  reference: string;
  name: string;
}

export function TableList({ t, csrf, tables, offers, values, errors }: {
  t: AdminT;
  csrf: string;
  tables: { reference: string; offers: string[]; highlighted: string | null }[];
  offers: OfferChoice[];
  values: Record<string, string>;
  errors: Errors;
}) {
  return (
    <>
      <section class="card" aria-label={t('tables_title')}>
        {tables.length === 0 ? (
          <p>{t('no_tables')}</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th scope="col">{t('reference')}</th>
                <th scope="col">{t('nav_offers')}</th>
                <th scope="col">{t('highlighted')}</th>
              </tr>
            </thead>
            <tbody>
              {tables.map((table) => (
                <tr key={table.reference}>
                  <td>
                    <a class="ref" href={`/admin/pricing-tables/${encodeURIComponent(table.reference)}`}>{table.reference}</a>
                  </td>
                  <td>{table.offers.join(', ')}</td>
                  <td>{table.highlighted ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <section class="card" aria-labelledby="h-new-table">
        <h2 id="h-new-table">{t('new_table')}</h2>
        <form method="post" action="/admin/pricing-tables" noValidate>
          <Csrf value={csrf} />
          <div class="row">
            <Field name="reference" label={t('reference')} value={values.reference} errors={errors} t={t} required />
            <SelectField name="offer" label={t('first_offer')} value={values.offer} errors={errors} t={t} options={offers.map((o) => ({ value: o.reference, label: `${o.name} (${o.reference})` }))} />
          </div>
          <button type="submit">{t('add')}</button>
        </form>
      </section>
    </>
  );
}

export interface TableView {
  t: AdminT;
  csrf: string;
  reference: string;
  /** The table's offers in order (hidden ones included: they stay in the table, out of the widget). */
  offers: (OfferChoice & { visible: boolean })[];
  highlighted: string | null;
  /** Offers not yet in the table. */
  addable: OfferChoice[];
  embedCode: string;
  preview: ComponentChildren;
  previewEmpty: boolean;
}

/** One pricing table: reorder with up/down buttons (plain forms), add, remove, highlight, preview. */
export function TablePage({ view }: { view: TableView }) {
  const { t, csrf } = view;
  const base = `/admin/pricing-tables/${encodeURIComponent(view.reference)}`;
  const move = (offer: string, op: 'up' | 'down' | 'remove', label: string, disabled = false) => (
    <form method="post" action={`${base}/order`}>
      <Csrf value={csrf} />
      <input type="hidden" name="offer" value={offer} />
      <input type="hidden" name="op" value={op} />
      <button type="submit" class="secondary small" disabled={disabled}>{label}</button>
    </form>
  );
  return (
    <>
      <section class="card" aria-labelledby="h-order">
        <h2 id="h-order">{t('table_offers')}</h2>
        <ol class="order">
          {view.offers.map((o, i) => (
            <li key={o.reference}>
              <span>
                {i + 1}. {o.name} <span class="ref small muted" title={o.reference}>{o.reference}</span>
                {!o.visible && <span class="badge">{t('badge_hidden')}</span>}
                {o.reference === view.highlighted && <span class="badge okb">{t('popular')}</span>}
              </span>
              <span class="buttons">
                {move(o.reference, 'up', t('move_up', { name: o.name }), i === 0)}
                {move(o.reference, 'down', t('move_down', { name: o.name }), i === view.offers.length - 1)}
                {move(o.reference, 'remove', t('remove_offer', { name: o.name }), view.offers.length === 1)}
              </span>
            </li>
          ))}
        </ol>
        {view.addable.length > 0 && (
          <form method="post" action={`${base}/add`} class="buttons">
            <Csrf value={csrf} />
            <SelectField name="offer" label={t('add_offer')} t={t} options={view.addable.map((o) => ({ value: o.reference, label: `${o.name} (${o.reference})` }))} />
            <button type="submit">{t('add')}</button>
          </form>
        )}
        <form method="post" action={`${base}/highlight`} class="buttons">
          <Csrf value={csrf} />
          <SelectField
            name="highlighted"
            label={t('highlighted')}
            t={t}
            value={view.highlighted ?? ''}
            placeholder={t('none')}
            options={view.offers.map((o) => ({ value: o.reference, label: o.name }))}
          />
          <button type="submit">{t('save')}</button>
        </form>
      </section>
      <section class="card" aria-labelledby="h-preview">
        <h2 id="h-preview">{t('preview')}</h2>
        <p class="hint">{t('preview_note')}</p>
        {view.previewEmpty ? <p>{t('empty_preview')}</p> : view.preview}
      </section>
      <section class="card" aria-labelledby="h-embed">
        <h2 id="h-embed">{t('embed_code')}</h2>
        <pre>
          <code>{view.embedCode}</code>
        </pre>
      </section>
    </>
  );
}
