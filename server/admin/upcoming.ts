import type { Dated } from '../../hosted-pages/admin/CustomerPage.tsx';
import { formatMoney } from '../../hosted-pages/format.ts';
import { clockFor } from '../billing/clock.ts';
import type { Customer } from '../customers/repository.ts';
import { invoiceRepository } from '../invoices/repository.ts';
import { upcomingInvoice } from '../invoices/service.ts';
import type { Subscription } from '../subscriptions/repository.ts';
import type { AC } from './context.ts';
import { formatDateTime } from './format.ts';
import { tr } from './render.tsx';

/**
 * The customer page's "upcoming activity", read from the billing engine itself, at the
 * environment's own time (the test clock in test): each live subscription's next charge (date and
 * amount of the invoice the engine would issue at its period end, as `GET /v1/invoices/upcoming`
 * computes it), the end of a trial, a pending cancellation, and the next retry of a failed payment.
 */
export async function upcomingActivity(c: AC, customer: Customer, subs: Subscription[], offerName: Map<string, string>): Promise<Dated[]> {
  const t = tr(c);
  const { locale, merchant } = c.var;
  const now = (await clockFor(c.var.deps, merchant))().getTime();
  const items: (Dated & { ts: number })[] = [];
  const add = (text: string, iso: string | null) => {
    const ts = iso ? Date.parse(iso) : Number.NaN;
    if (iso && ts > now) items.push({ text, at: formatDateTime(locale, iso), iso, ts });
  };
  const money = (amount: number, currency: string) => formatMoney(amount, currency, locale);

  for (const s of subs) {
    if (s.status === 'canceled') continue;
    const offer = offerName.get(s.offerId) ?? s.offerId;
    if (s.status === 'trialing' && s.trialEnd) add(t('up_trial_end', { offer }), s.trialEnd);
    if (s.cancelAtPeriodEnd) {
      add(t('up_ends', { offer }), s.currentPeriodEnd);
      continue;
    }
    // Unpaid and incomplete subscriptions have no next invoice: the engine issues none for them.
    const next = await upcomingInvoice(c.var.deps, merchant, s.id).catch(() => undefined);
    if (!next) continue;
    const key = next.collection_method === 'send_invoice' ? 'up_invoice' : 'up_charge';
    add(t(key, { offer, amount: money(next.total, next.currency) }), s.currentPeriodEnd);
  }

  // A failed payment's next scheduled retry (not the end of dunning of a hard decline or an authentication).
  for (const inv of await invoiceRepository(c.var.deps.db).openOf(merchant.id, customer.id)) {
    if (inv.paymentStatus !== 'failed' || inv.hardDeclined || !inv.firstFailedAt || inv.collectionMethod !== 'charge_automatically') continue;
    add(t('up_retry', { number: inv.number ?? inv.id, amount: money(inv.total - inv.amountPaid, inv.currency) }), inv.nextPaymentAttempt);
  }
  items.sort((a, b) => a.ts - b.ts);
  return items.map(({ ts: _ts, ...d }) => d);
}
