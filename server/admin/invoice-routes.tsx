import type { Hono } from 'hono';
import { vatByRate } from '../billing/totals.ts';
import { formatMoney } from '../../hosted-pages/format.ts';
import { clockFor } from '../billing/clock.ts';
import { advanceTestClock } from '../billing/test-clock.ts';
import { renderInvoicePdf } from '../documents/pdf.ts';
import { loadInvoiceDocument, pdfHeaders } from '../documents/service.ts';
import { ApiError } from '../http/errors.ts';
import { invoiceJson } from '../invoices/links.ts';
import { type Invoice, type InvoiceStatus, invoiceRepository, type OfflineMethod } from '../invoices/repository.ts';
import { payInvoice, voidInvoice } from '../invoices/service.ts';
import { customerRepository } from '../customers/repository.ts';
import { type BillingKey, billingT } from './billing-i18n.ts';
import { displayName } from './customer-form.ts';
import type { AC, AdminEnv } from './context.ts';
import { readForm } from './context.ts';
import { message, page, tr } from './render.tsx';

const STATUSES: InvoiceStatus[] = ['open', 'paid', 'void', 'uncollectible'];
const METHODS: OfflineMethod[] = ['bank_transfer', 'check', 'cash', 'other'];
export const bt = (c: AC) => billingT(c.var.locale);
const day = (iso: string | null) => (iso ? iso.slice(0, 10) : '—');

/** `?done=` after a Post/Redirect/Get: what happened, or the API's refusal in words. */
export function Notice({ c }: { c: AC }) {
  const t = bt(c);
  const done = c.req.query('done');
  const error = c.req.query('error');
  if (error) return <p class="flash error" role="alert">{t('refused')} {error}</p>;
  return done ? <p class="flash ok" role="status">{t('done')}</p> : null;
}

/** Runs a back-office action through the same services as the API; a refusal comes back as `?error=`. */
export async function act(c: AC, back: string, run: () => Promise<unknown>): Promise<Response> {
  try {
    await run();
    return c.redirect(`${back}?done=1`, 303);
  } catch (error) {
    if (error instanceof ApiError && error.status < 500) return c.redirect(`${back}?error=${encodeURIComponent(error.message)}`, 303);
    throw error;
  }
}

/** Who each invoice is for, in words (name, company or email) rather than a `cus_…` id. */
export async function customerNames(c: AC, invoices: Invoice[]): Promise<Map<string, string>> {
  const customers = await customerRepository(c.var.deps.db).byIds(c.var.merchant.id, invoices.map((i) => i.customerId));
  return new Map(customers.map((cu) => [cu.id, displayName(cu) || cu.id]));
}

export function InvoiceRows({ c, invoices, now, names }: { c: AC; invoices: Invoice[]; now: string; names: Map<string, string> }) {
  const t = bt(c);
  const at = tr(c);
  if (invoices.length === 0) return <p>{t('none')}</p>;
  return (
    <table class="stack">
      <thead>
        <tr>
          <th scope="col">{t('number')}</th>
          <th scope="col">{t('customer')}</th>
          <th scope="col">{t('status')}</th>
          <th scope="col">{t('total')}</th>
          <th scope="col">{t('due')}</th>
          <th scope="col">{t('created')}</th>
          <th scope="col"><span class="sr-only">{at('invoice_pdf')}</span></th>
        </tr>
      </thead>
      <tbody>
        {invoices.map((i) => (
          <tr key={i.id}>
            <td data-label={t('number')}><a href={`/admin/invoices/${i.id}`}>{i.number ?? i.id}</a></td>
            <td data-label={t('customer')}><a href={`/admin/customers/${i.customerId}`}>{names.get(i.customerId) ?? i.customerId}</a></td>
            <td data-label={t('status')}>
              {t(i.status)}
              {i.status === 'open' && i.dueDate && i.dueDate < now ? ` · ${t('overdue')}` : ''}
            </td>
            <td data-label={t('total')}>{formatMoney(i.total, i.currency, c.var.locale)}</td>
            <td data-label={t('due')}>{day(i.dueDate ?? i.nextPaymentAttempt)}</td>
            <td data-label={t('created')}>{day(i.createdAt)}</td>
            <td>{i.number && <a href={`/admin/invoices/${i.id}/pdf`} aria-label={at('invoice_pdf_label', { number: i.number })}>{at('invoice_pdf')}</a>}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function invoiceRoutes(admin: Hono<AdminEnv>): void {
  admin.get('/invoices', async (c) => {
    const t = bt(c);
    const asked = c.req.query('status');
    const status = STATUSES.find((s) => s === asked);
    const invoices = await invoiceRepository(c.var.deps.db).list(c.var.merchant.id, { limit: 100, status });
    const now = (await clockFor(c.var.deps, c.var.merchant))().toISOString();
    return page(c, {
      title: t('invoices'),
      nav: 'invoices',
      body: (
        <>
          <nav aria-label={t('status')} class="filters">
            <ul>
              <li><a href="/admin/invoices" aria-current={status ? undefined : 'page'}>{t('all')}</a></li>
              {STATUSES.map((s) => (
                <li key={s}><a href={`/admin/invoices?status=${s}`} aria-current={status === s ? 'page' : undefined}>{t(s)}</a></li>
              ))}
            </ul>
          </nav>
          <InvoiceRows c={c} invoices={invoices} now={now} names={await customerNames(c, invoices)} />
        </>
      ),
    });
  });

  admin.get('/invoices/:id', async (c) => {
    const t = bt(c);
    const repo = invoiceRepository(c.var.deps.db);
    const inv = await repo.byId(c.var.merchant.id, c.req.param('id'));
    if (!inv) return message(c, 'not_found_title', 'not_found_body', 404);
    const now = (await clockFor(c.var.deps, c.var.merchant))();
    const json = await invoiceJson(c.var.deps.db, c.var.deps.config.publicUrl, inv, now);
    const payments = await repo.payments(inv.id);
    // Lines are excluding VAT: the subtotal and each rate's VAT rows add up to the total beside them.
    const vat = vatByRate(inv.lines);
    const csrf = c.var.session.csrfToken;
    const base = `/admin/invoices/${inv.id}`;
    return page(c, {
      title: `${t('invoice')} ${inv.number ?? inv.id}`,
      nav: 'invoices',
      body: (
        <>
          <Notice c={c} />
          <p>
            {t(inv.status)}
            {json.overdue ? ` · ${t('overdue')}` : ''} · {formatMoney(inv.total, inv.currency, c.var.locale)} ·{' '}
            <a href={`/admin/customers/${inv.customerId}`}>{(await customerNames(c, [inv])).get(inv.customerId) ?? inv.customerId}</a>
          </p>
          <ul>
            {inv.lines.map((l) => (
              <li key={l.description}>{l.description} {l.periodStart ? `(${day(l.periodStart)} → ${day(l.periodEnd)})` : ''}: {formatMoney(l.amount, inv.currency, c.var.locale)}</li>
            ))}
          </ul>
          {vat.length > 0 && (
            <ul class="totals">
              <li>{t('subtotal_excl_vat')}: {formatMoney(inv.subtotal, inv.currency, c.var.locale)}</li>
              {vat.map((r) => (
                <li key={r.rate}>{t('vat_at').replace('{rate}', r.rate.toLocaleString(c.var.locale))}: {formatMoney(r.tax, inv.currency, c.var.locale)}</li>
              ))}
              <li>
                <strong>{t('total')}: {formatMoney(inv.total, inv.currency, c.var.locale)}</strong>
              </li>
            </ul>
          )}
          <p>{t('due')}: {day(inv.dueDate)} · {t('next_attempt')}: {day(inv.nextPaymentAttempt)}</p>
          <p class="buttons">
            {inv.number && <a class="button secondary" href={`${base}/pdf`}>{tr(c)('invoice_pdf_label', { number: inv.number })}</a>}
            {inv.status === 'void' && <a class="button secondary" href={`${base}/pdf?document=credit_note`}>{tr(c)('credit_note_pdf')}</a>}
          </p>
          {json.hosted_invoice_url && <p><a href={json.hosted_invoice_url}>{t('hosted')}</a></p>}
          <h2>{t('attempts')}</h2>
          <ul>
            {payments.map((p) => (
              <li key={p.id}>#{p.attempt} {day(p.createdAt)} {p.status} {p.declineCode ?? p.failureCode ?? ''}</li>
            ))}
          </ul>
          {/* An uncollectible invoice can still be paid late (dunning over); only an open one can be voided. */}
          {(inv.status === 'open' || inv.status === 'uncollectible') && (
            <div class="actions">
              <form method="post" action={`${base}/pay`}>
                <input type="hidden" name="_csrf" value={csrf} />
                <label for="method">{t('method')}</label>
                <select id="method" name="method">
                  {METHODS.map((m) => <option key={m} value={m}>{t(m as BillingKey)}</option>)}
                </select>
                <button type="submit">{t('mark_paid')}</button>
              </form>
              {inv.collectionMethod === 'charge_automatically' && (
                <form method="post" action={`${base}/retry`}>
                  <input type="hidden" name="_csrf" value={csrf} />
                  <button type="submit">{t('retry')}</button>
                </form>
              )}
              {inv.status === 'open' && (
                <form method="post" action={`${base}/void`}>
                  <input type="hidden" name="_csrf" value={csrf} />
                  <button type="submit" class="danger">{t('void_action')}</button>
                </form>
              )}
            </div>
          )}
        </>
      ),
    });
  });

  // The same document as GET /v1/invoices/{id}/pdf, behind the back-office session instead of a key.
  admin.get('/invoices/:id/pdf', async (c) => {
    const kind = c.req.query('document') === 'credit_note' ? 'credit_note' : 'invoice';
    const doc = await loadInvoiceDocument(c.var.deps.db, c.var.merchant, c.req.param('id'), kind).catch((error: unknown) => {
      if (error instanceof ApiError && error.status === 404) return undefined;
      throw error;
    });
    if (!doc) return message(c, 'not_found_title', 'not_found_body', 404);
    return new Response((await renderInvoicePdf(doc)).slice(), { headers: pdfHeaders(doc) });
  });

  admin.post('/invoices/:id/pay', async (c) => {
    const form = await readForm(c);
    const method = METHODS.find((m) => m === form.text('method')) ?? 'other';
    return act(c, `/admin/invoices/${c.req.param('id')}`, () => payInvoice(c.var.deps, c.var.merchant, c.req.param('id'), method));
  });
  admin.post('/invoices/:id/retry', (c) => act(c, `/admin/invoices/${c.req.param('id')}`, () => payInvoice(c.var.deps, c.var.merchant, c.req.param('id'), null)));
  admin.post('/invoices/:id/void', (c) => act(c, `/admin/invoices/${c.req.param('id')}`, () => voidInvoice(c.var.deps, c.var.merchant, c.req.param('id'))));

  admin.get('/test-clock', async (c) => {
    const t = bt(c);
    if (c.var.merchant.mode !== 'test') return message(c, 'not_found_title', 'not_found_body', 404);
    const now = (await clockFor(c.var.deps, c.var.merchant))().toISOString();
    return page(c, {
      title: t('test_clock'),
      nav: 'test_clock',
      body: (
        <>
          <Notice c={c} />
          <p>{t('clock_now')}: <time dateTime={now}>{now.replace('T', ' ').slice(0, 16)} UTC</time></p>
          <form method="post" action="/admin/test-clock">
            <input type="hidden" name="_csrf" value={c.var.session.csrfToken} />
            <label for="to">{t('advance_to')}</label>
            <input id="to" name="to" type="datetime-local" required value={now.slice(0, 16)} />
            <button type="submit">{t('advance')}</button>
          </form>
        </>
      ),
    });
  });
  admin.post('/test-clock', async (c) => {
    if (c.var.merchant.mode !== 'test') return message(c, 'not_found_title', 'not_found_body', 404);
    const to = new Date(`${(await readForm(c)).text('to')}Z`);
    const now = (await clockFor(c.var.deps, c.var.merchant))();
    if (Number.isNaN(to.getTime()) || to < now) return c.redirect(`/admin/test-clock?error=${encodeURIComponent(now.toISOString())}`, 303);
    await advanceTestClock(c.var.deps, c.var.merchant, to);
    return c.redirect('/admin/test-clock?done=1', 303);
  });
}
