import type { Hono } from 'hono';
import { formatMoney } from '../../hosted-pages/format.ts';
import { clockFor } from '../billing/clock.ts';
import { customerRepository } from '../customers/repository.ts';
import { invoiceRepository } from '../invoices/repository.ts';
import { upcomingInvoice } from '../invoices/service.ts';
import { offerRepository } from '../offers/repository.ts';
import { cancelSubscription, createSubscription, resumeSubscription } from '../subscriptions/service.ts';
import { subscriptionRepository } from '../subscriptions/repository.ts';
import type { AdminEnv } from './context.ts';
import { readForm } from './context.ts';
import { act, bt, InvoiceRows, Notice } from './invoice-routes.tsx';
import { displayName } from './customer-form.ts';
import { message, page, tr } from './render.tsx';

/**
 * A customer's billing in the back-office: subscriptions (price, next charge date and amount,
 * cancel/resume), "+ New subscription" for customers billed by hand or with a saved card, and
 * their invoices. Every action goes through the API's own services.
 */
export function customerBillingRoutes(admin: Hono<AdminEnv>): void {
  admin.get('/customers/:id/billing', async (c) => {
    const t = bt(c);
    const { db } = c.var.deps;
    const merchantId = c.var.merchant.id;
    const customer = await customerRepository(db).byId(merchantId, c.req.param('id'));
    if (!customer) return message(c, 'not_found_title', 'not_found_body', 404);
    const subs = await subscriptionRepository(db).list(merchantId, { limit: 100, customerId: customer.id });
    const offers = await offerRepository(db).list(merchantId, { limit: 100 });
    const byId = new Map(offers.map((o) => [o.id, o]));
    const invoices = await invoiceRepository(db).list(merchantId, { limit: 100, customerId: customer.id });
    // "Next charge" is the upcoming invoice's total, VAT included, as `GET /v1/invoices/upcoming` computes it.
    const next = new Map<string, { total: number; currency: string }>();
    for (const s of subs) {
      if (s.status === 'canceled' || s.status === 'unpaid' || s.cancelAtPeriodEnd) continue;
      const up = await upcomingInvoice(c.var.deps, c.var.merchant, s.id).catch(() => undefined);
      if (up) next.set(s.id, { total: up.total, currency: up.currency });
    }
    const now = (await clockFor(c.var.deps, c.var.merchant))().toISOString();
    const csrf = c.var.session.csrfToken;
    const money = (amount: number, currency: string) => formatMoney(amount, currency, c.var.locale);
    return page(c, {
      title: `${t('billing')} — ${displayName(customer)}`,
      nav: 'customers',
      body: (
        <>
          <Notice c={c} />
          <h2>{t('subscriptions')}</h2>
          <ul>
            {subs.map((s) => {
              const offer = byId.get(s.offerId);
              // An unpaid subscription (dunning over) renews nothing until its invoice is paid: it has no upcoming invoice.
              const up = next.get(s.id);
              return (
                <li key={s.id}>
                  <strong>{offer?.name ?? s.offerId}</strong> · {tr(c)(`sub_${s.status}`)}
                  {offer ? ` · ${money(offer.recurring.amount, offer.currency)}` : ''}
                  {up ? ` · ${t('next_charge')}: ${s.currentPeriodEnd.slice(0, 10)} (${money(up.total, up.currency)})` : ''}
                  {s.status === 'unpaid' ? ` · ${t('payment_overdue')}` : ''}
                  {s.cancelAtPeriodEnd && s.status !== 'canceled' ? ` · ${t('ends')} ${s.currentPeriodEnd.slice(0, 10)}` : ''}
                  {s.status !== 'canceled' && (
                    <span class="actions">
                      {s.cancelAtPeriodEnd ? (
                        <form method="post" action={`/admin/subscriptions/${s.id}/resume`}>
                          <input type="hidden" name="_csrf" value={csrf} />
                          <button type="submit">{t('resume')}</button>
                        </form>
                      ) : (
                        <form method="post" action={`/admin/subscriptions/${s.id}/cancel`}>
                          <input type="hidden" name="_csrf" value={csrf} />
                          <input type="hidden" name="at_period_end" value="1" />
                          <button type="submit">{t('cancel_end')}</button>
                        </form>
                      )}
                      <form method="post" action={`/admin/subscriptions/${s.id}/cancel`}>
                        <input type="hidden" name="_csrf" value={csrf} />
                        <button type="submit" class="danger">{t('cancel_now')}</button>
                      </form>
                    </span>
                  )}
                </li>
              );
            })}
          </ul>
          <details>
            <summary>{t('new_subscription')}</summary>
            <form method="post" action={`/admin/customers/${customer.id}/subscriptions`}>
              <input type="hidden" name="_csrf" value={csrf} />
              <label for="offer">{t('offer')}</label>
              <select id="offer" name="offer" required>
                {offers.map((o) => <option key={o.id} value={o.id}>{o.name} — {money(o.recurring.amount, o.currency)}</option>)}
              </select>
              <label for="collection_method">{t('collection')}</label>
              <select id="collection_method" name="collection_method">
                <option value="send_invoice">{t('send_invoice')}</option>
                <option value="charge_automatically">{t('charge_automatically')}</option>
              </select>
              <label for="days_until_due">{t('days_until_due')}</label>
              <input id="days_until_due" name="days_until_due" type="number" min="0" max="365" value="30" />
              <button type="submit">{t('create')}</button>
            </form>
          </details>
          <h2>{t('invoices')}</h2>
          <InvoiceRows c={c} invoices={invoices} now={now} names={new Map([[customer.id, displayName(customer)]])} />
        </>
      ),
    });
  });

  admin.post('/customers/:id/subscriptions', async (c) => {
    const form = await readForm(c);
    const id = c.req.param('id');
    const sendInvoice = form.text('collection_method') !== 'charge_automatically';
    const days = Number(form.text('days_until_due') || '30');
    return act(c, `/admin/customers/${id}/billing`, () =>
      createSubscription(c.var.deps, c.var.merchant, {
        customer: id,
        offer: form.text('offer'),
        collection_method: sendInvoice ? 'send_invoice' : 'charge_automatically',
        ...(sendInvoice && Number.isInteger(days) && days >= 0 && days <= 365 ? { days_until_due: days } : {}),
      }),
    );
  });
  admin.post('/subscriptions/:id/cancel', async (c) => {
    const form = await readForm(c);
    const sub = await subscriptionRepository(c.var.deps.db).byId(c.var.merchant.id, c.req.param('id'));
    if (!sub) return message(c, 'not_found_title', 'not_found_body', 404);
    return act(c, `/admin/customers/${sub.customerId}/billing`, () => cancelSubscription(c.var.deps, c.var.merchant, sub.id, form.text('at_period_end') === '1'));
  });
  admin.post('/subscriptions/:id/resume', async (c) => {
    const sub = await subscriptionRepository(c.var.deps.db).byId(c.var.merchant.id, c.req.param('id'));
    if (!sub) return message(c, 'not_found_title', 'not_found_body', 404);
    return act(c, `/admin/customers/${sub.customerId}/billing`, () => resumeSubscription(c.var.deps, c.var.merchant, sub.id));
  });
}
