import { customerRepository } from '../customers/repository.ts';
import type { Statement } from '../db/port.ts';
import type { Deps } from '../deps.ts';
import { type Merchant, merchantRepository } from '../merchants/repository.ts';
import { offerRepository } from '../offers/repository.ts';
import { createPortalLink, LINK_TTL } from '../portal/links.ts';
import { formatMoney } from '../../hosted-pages/format.ts';
import { type EmailDraft, emailStatement, formatDate } from './compose.ts';
import type { EmailKind } from './messages.ts';

/**
 * Emails derived from the events outbox: the same cursor pattern as the webhook fan-out. Each run
 * reads the events after the `emails` cursor, renders the emails they call for, and writes those
 * rows and the moved cursor in one batch: a crash repeats the run (the rows' UNIQUE source keys
 * absorb the repeat), never skips it.
 */
const EVENT_KINDS: Record<string, EmailKind> = {
  'checkout_session.completed': 'subscription_confirmation',
  'subscription.created': 'subscription_confirmation',
  'invoice.paid': 'receipt',
  // Only for invoices the customer pays by hand (collection_method send_invoice), see draftFor.
  'invoice.finalized': 'invoice',
  'invoice.payment_failed': 'payment_failed',
  'invoice.payment_action_required': 'action_required',
  'subscription.trial_will_end': 'trial_ending',
  'subscription.canceled': 'cancellation',
};

interface EventRow {
  seq: number;
  id: string;
  merchant_id: string;
  type: string;
  data: string;
  created_at: string;
}

type Data = Record<string, unknown>;
const str = (d: Data, key: string): string | null => (typeof d[key] === 'string' ? (d[key] as string) : null);
const num = (d: Data, key: string): number | null => (typeof d[key] === 'number' ? (d[key] as number) : null);

export async function fanOutEmails(deps: Deps, batch = 100): Promise<number> {
  const cursor = (await deps.db.get<{ event_seq: number }>("SELECT event_seq FROM outbox_cursor WHERE name = 'emails'"))?.event_seq ?? 0;
  const events = await deps.db.all<EventRow>('SELECT seq, id, merchant_id, type, data, created_at FROM events WHERE seq > ? ORDER BY seq LIMIT ?', [cursor, batch]);
  const last = events.at(-1);
  if (!last) return 0;
  const merchants = new Map<string, Merchant | undefined>();
  const statements: Statement[] = [];
  for (const event of events) {
    const kind = EVENT_KINDS[event.type];
    if (!kind) continue;
    if (!merchants.has(event.merchant_id)) merchants.set(event.merchant_id, await merchantRepository(deps.db).byId(event.merchant_id));
    const merchant = merchants.get(event.merchant_id);
    if (!merchant) continue;
    const draft = await draftFor(deps, merchant, kind, event);
    if (draft) statements.push(emailStatement(deps, draft));
  }
  statements.push({ sql: "UPDATE outbox_cursor SET event_seq = ? WHERE name = 'emails' AND event_seq = ?", params: [last.seq, cursor] });
  const results = await deps.db.batch(statements);
  return results.slice(0, -1).reduce((n, r) => n + r.changes, 0);
}

async function draftFor(deps: Deps, merchant: Merchant, kind: EmailKind, event: EventRow): Promise<EmailDraft | undefined> {
  const data = JSON.parse(event.data) as Data;
  const isSubscription = event.type.startsWith('subscription.');
  const customerId = str(data, 'customer');
  if (!customerId) return undefined;
  const customer = await customerRepository(deps.db).byId(merchant.id, customerId);
  // Nobody to write to: no address, or an anonymized customer (no portal, no personal data).
  if (!customer?.email || customer.status !== 'active') return undefined;
  const locale = customer.language;
  const name = [customer.firstName, customer.lastName].filter(Boolean).join(' ') || null;
  const portal = async () => (await createPortalLink(deps, merchant.id, customer.id, { expiresIn: LINK_TTL.max, locale })).url;
  const offerName = async (offerId: string | null) => (offerId ? ((await offerRepository(deps.db).byId(merchant.id, offerId))?.name ?? '') : '');
  const base = { merchant, customerId: customer.id, kind, to: customer.email, locale, name };

  if (kind === 'subscription_confirmation') {
    const subscription = event.type === 'checkout_session.completed' ? str(data, 'subscription') : str(data, 'id');
    // A checkout still waiting for its payment has no subscription to confirm yet.
    if (!subscription || str(data, 'status') === 'incomplete') return undefined;
    return { ...base, sourceKey: `subscription_confirmation:${subscription}`, vars: { offer: await offerName(str(data, 'offer')) }, link: await portal() };
  }
  if (isSubscription) {
    const subscription = str(data, 'id') ?? event.id;
    const offer = await offerName(str(data, 'offer'));
    if (kind === 'trial_ending') {
      const trialEnd = str(data, 'trial_end') ?? event.created_at;
      return { ...base, sourceKey: `trial_ending:${subscription}:${trialEnd}`, vars: { offer, date: formatDate(trialEnd, locale) }, link: await portal() };
    }
    return { ...base, sourceKey: `cancellation:${subscription}`, vars: { offer }, link: await portal() };
  }

  // invoice.*: the CONTRACT's invoice fields.
  const invoice = str(data, 'id') ?? event.id;
  const currency = str(data, 'currency') ?? 'EUR';
  const number = str(data, 'number') ?? invoice;
  const hosted = str(data, 'hosted_invoice_url');
  const amountOf = (key: string) => formatMoney(num(data, key) ?? num(data, 'total') ?? 0, currency.toUpperCase(), locale === 'fr' ? 'fr-FR' : 'en-GB');
  if (kind === 'invoice') {
    // An automatic invoice is charged at once and gets its receipt; one paid by hand is sent, like Stripe's "send invoice".
    const due = str(data, 'due_date');
    if (str(data, 'collection_method') !== 'send_invoice' || str(data, 'status') !== 'open' || !hosted || !due || num(data, 'amount_due') === 0) return undefined;
    return { ...base, sourceKey: `invoice:${invoice}`, vars: { number, amount: amountOf('amount_due'), date: formatDate(due, locale) }, link: hosted, data: { invoice } };
  }
  if (kind === 'receipt') {
    return { ...base, sourceKey: `receipt:${invoice}`, vars: { number, amount: amountOf('amount_paid') }, link: hosted ?? (await portal()), data: { invoice } };
  }
  // One email per failed attempt or authentication request: each event is its own cause.
  if (kind === 'payment_failed') {
    return { ...base, sourceKey: `payment_failed:${event.id}`, vars: { number, amount: amountOf('amount_due') }, link: await portal(), data: { invoice } };
  }
  return { ...base, sourceKey: `action_required:${event.id}`, vars: { number, amount: amountOf('amount_due') }, link: hosted ?? (await portal()), data: { invoice } };
}
