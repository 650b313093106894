import { collect } from '../billing/collect.ts';
import { billingEvent, invoiceExists } from '../billing/events.ts';
import { contextFor } from '../billing/run.ts';
import { payOutOfBand } from '../billing/settle.ts';
import { buyerOf, saleTax } from '../billing/tax.ts';
import { periodInvoice, pricedOffer } from '../billing/totals.ts';
import { customerRepository } from '../customers/repository.ts';
import type { Deps } from '../deps.ts';
import { ApiError, notFound } from '../http/errors.ts';
import { newId } from '../lib/ids.ts';
import type { Merchant } from '../merchants/repository.ts';
import { offerRepository } from '../offers/repository.ts';
import { cycleBounds } from '../subscriptions/periods.ts';
import { subscriptionRepository } from '../subscriptions/repository.ts';
import { invoiceJson } from './links.ts';
import { voidStatements } from './numbering.ts';
import { type Invoice, invoiceRepository, type OfflineMethod } from './repository.ts';
import { type InvoiceJson, toJson } from './schema.ts';

const refused = (code: string, message: string, param = 'id') => new ApiError(400, 'invalid_request_error', code, message, param);

const notPayable: Record<string, [string, string]> = {
  draft: ['invoice_not_finalized', 'This invoice is a draft: it cannot be paid yet.'],
  paid: ['invoice_already_paid', 'This invoice is already paid.'],
  void: ['invoice_void', 'This invoice is void: it cannot be paid.'],
};

async function load(deps: Deps, merchant: Merchant, id: string): Promise<Invoice> {
  const inv = await invoiceRepository(deps.db).byId(merchant.id, id);
  if (!inv) throw notFound('invoice');
  return inv;
}

/**
 * `POST /v1/invoices/{id}/pay`: charges the saved method now, or records an offline payment
 * (bank transfer, check, cash). Open and uncollectible invoices can be paid (as with Stripe, a late
 * payment after dunning ended); draft, paid and void ones are refused as is.
 */
export async function payInvoice(deps: Deps, merchant: Merchant, id: string, offline: OfflineMethod | null): Promise<Invoice> {
  const inv = await load(deps, merchant, id);
  const reason = notPayable[inv.status];
  if (reason) throw refused(reason[0], reason[1]);
  const ctx = await contextFor(deps, merchant);
  if (offline) {
    if (!(await payOutOfBand(ctx, inv, offline))) throw refused('invoice_not_open', 'This invoice changed meanwhile and can no longer be paid.');
  } else {
    const outcome = await collect(ctx, inv.id, { now: true });
    if (outcome === 'skipped') throw new ApiError(409, 'invalid_request_error', 'invoice_payment_in_progress', 'A payment of this invoice is in progress.', 'id');
  }
  return load(deps, merchant, id);
}

/** Voids an open invoice: the number stays taken, a credit note from its own series cancels it. */
export async function voidInvoice(deps: Deps, merchant: Merchant, id: string): Promise<Invoice> {
  const inv = await load(deps, merchant, id);
  if (inv.status !== 'open') {
    throw refused(inv.status === 'paid' ? 'invoice_already_paid' : 'invoice_not_open', `Only an open, unpaid invoice can be voided; this one is ${inv.status}.`);
  }
  const ctx = await contextFor(deps, merchant);
  const now = ctx.clock();
  const at = now.toISOString();
  const current = await invoiceJson(deps.db, deps.config.publicUrl, inv, now);
  const voided = toJson({ ...inv, status: 'void', nextPaymentAttempt: null }, current.hosted_invoice_url, now);
  const results = await deps.db.batch([
    billingEvent(merchant.id, 'invoice.voided', voided, at, invoiceExists(inv.id, 'open')),
    ...voidStatements(merchant, inv.id, newId('cn'), now, null),
  ]);
  if ((results[results.length - 1]?.changes ?? 0) === 0) throw refused('invoice_not_open', 'This invoice changed meanwhile and is no longer open.');
  return load(deps, merchant, id);
}

/** The next invoice of a subscription as it would be issued at its period end (not stored). */
export async function upcomingInvoice(deps: Deps, merchant: Merchant, subscriptionId: string): Promise<Omit<InvoiceJson, 'id'> & { id: null }> {
  const sub = await subscriptionRepository(deps.db).byId(merchant.id, subscriptionId);
  if (!sub) throw notFound('subscription', 'subscription');
  if (sub.status === 'canceled' || sub.status === 'unpaid' || sub.status === 'incomplete' || sub.cancelAtPeriodEnd) {
    throw new ApiError(404, 'not_found', 'invoice_upcoming_none', 'This subscription has no upcoming invoice.', 'subscription');
  }
  const offer = await offerRepository(deps.db).byId(merchant.id, sub.offerId);
  if (!offer) throw notFound('offer', 'subscription');
  const now = (await contextFor(deps, merchant)).clock();
  const plan = { interval: offer.recurring.interval, intervalCount: offer.recurring.intervalCount };
  const end = cycleBounds(new Date(sub.billingAnchor ?? sub.currentPeriodStart), plan, (sub.currentCycle ?? 0) + 1).end.toISOString();
  const draft = periodInvoice({
    id: 'upcoming',
    merchantId: merchant.id,
    customerId: sub.customerId,
    subscriptionId: sub.id,
    offer: pricedOffer(offer),
    period: { start: sub.currentPeriodEnd, end },
    reason: sub.status === 'trialing' ? 'trial_end' : 'subscription_cycle',
    collectionMethod: sub.collectionMethod ?? 'charge_automatically',
    charge: 'cycle',
    tax: saleTax(merchant, buyerOf(await customerRepository(deps.db).byId(merchant.id, sub.customerId))),
    createdAt: sub.currentPeriodEnd,
  });
  return { ...toJson(draft, null, now), id: null, next_payment_attempt: sub.collectionMethod === 'send_invoice' ? null : sub.currentPeriodEnd };
}

