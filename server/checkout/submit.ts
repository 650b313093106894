import { isMessageKey, type MessageKey } from '../../hosted-pages/i18n.ts';
import { type Customer, customerRepository } from '../customers/repository.ts';
import { ApiError } from '../http/errors.ts';
import type { Deps } from '../deps.ts';
import { type ConfirmResult, GatewayUnavailable, type TokenizedMethod } from '../gateways/port.ts';
import { gatewayFor } from '../gateways/select.ts';
import { isCountryCode } from '../lib/countries.ts';
import { saleTax } from '../billing/tax.ts';
import type { SaleTax } from '../billing/totals.ts';
import { checkTaxId } from '../tax/vat-number.ts';
import type { Merchant } from '../merchants/repository.ts';
import { type CheckoutDetails, finalizeOnce, successRedirect } from './complete.ts';
import { chargeFirst, dueToday, type FirstCharge, type FirstPayment } from './first-payment.ts';
import { countsAsAttempt, isRestricted, recordFailure } from './grey-list.ts';
import type { CheckoutOffer } from './offer.ts';
import { type CheckoutSession, checkoutRepository } from './repository.ts';
import type { CheckoutForm } from './schema.ts';
import { effectiveStatus } from './service.ts';

export type SubmitOutcome =
  | { kind: 'completed'; redirect: string; customerId: string; subscriptionId: string }
  | { kind: 'invalid'; errors: Partial<Record<string, MessageKey>>; formError?: MessageKey; values?: Record<string, string> }
  | { kind: 'requires_action'; redirect: string }
  | { kind: 'restricted' }
  /** The session's customer was anonymized (GDPR erasure): never reused, so this checkout cannot complete. */
  | { kind: 'erased' }
  | { kind: 'closed'; status: 'complete' | 'expired'; redirect?: string };

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Field errors as message keys of the hosted pages, so they render in the customer's language. */
export function validateDetails(form: CheckoutForm): { details: CheckoutDetails; errors: Partial<Record<string, MessageKey>> } {
  const errors: Partial<Record<string, MessageKey>> = {};
  for (const field of ['email', 'first_name', 'last_name', 'line1', 'postal_code', 'city', 'country'] as const) {
    if (!form[field]) errors[field] = 'required';
  }
  if (form.email && !EMAIL.test(form.email)) errors.email = 'email_invalid';
  const country = form.country.toUpperCase();
  if (form.country && !isCountryCode(country)) errors.country = 'country_invalid';
  // The VAT number belongs to a company: without one it is not asked for, so not kept either.
  let tax_id = form.company ? form.tax_id : '';
  if (tax_id) {
    const checked = checkTaxId(tax_id, country || null);
    if (checked.ok) tax_id = checked.value;
    else errors.tax_id = 'vat_number_invalid';
  }
  const { email, first_name, last_name, company, line1, postal_code, city } = form;
  return { details: { email, first_name, last_name, company, tax_id, line1, postal_code, city, country }, errors };
}

/** The VAT of this checkout for the buyer the form describes (country, and VAT number of a company). */
export const detailsTax = (merchant: Merchant, d: CheckoutDetails): SaleTax | null =>
  saleTax(merchant, { country: d.country || null, vatNumber: d.tax_id || null });

/**
 * With VAT added on top (exclusive prices), the billing country and VAT number change what is
 * due: the page showed the amount for what it knew, so a different one is shown again before
 * anything is charged (Stripe's page asks at /details, before it confirms the payment).
 */
export function dueChanged(offer: CheckoutOffer, merchant: Merchant, form: Pick<CheckoutForm, 'due_total'>, details: CheckoutDetails): boolean {
  if (!form.due_total) return false;
  return Number(form.due_total) !== dueToday(offer, detailsTax(merchant, details));
}

interface Context {
  deps: Deps;
  merchant: Merchant;
  session: CheckoutSession;
  offer: CheckoutOffer;
  ip: string | null;
  /** The language the page was shown in: a new customer gets it when the session set none. */
  locale?: 'en' | 'fr';
}

/**
 * The customer the session speaks for, when Porte knows it. Restrictions always apply (an erased
 * or grey-listed customer is returned whatever the session); privileges need the reference to be
 * vouched for (secret key or identity hash): an unverified reference (test mode) is a stranger's,
 * whose failures neither grey-list that customer nor lift the per-address limit.
 */
async function sessionCustomer(ctx: Context): Promise<Customer | undefined> {
  const { session } = ctx;
  if (!session.customerReference) return undefined;
  const customer = await customerRepository(ctx.deps.db).byReference(ctx.merchant.id, session.customerReference);
  const restricted = customer?.status === 'anonymized' || customer?.greyListed;
  return customer && (restricted || session.customerHashVerified) ? customer : undefined;
}

/** What the checkout form's POST does: validate, grey list, gateway, then one atomic completion. */
export async function submitCheckout(ctx: Context, form: CheckoutForm): Promise<SubmitOutcome> {
  const { deps, merchant, session } = ctx;
  const now = deps.clock();
  const status = effectiveStatus(session, now);
  if (status !== 'open') return { kind: 'closed', status, redirect: status === 'complete' ? successRedirect(session) : undefined };

  const { details, errors } = validateDetails(form);
  if (Object.keys(errors).length > 0) return { kind: 'invalid', errors, formError: 'fix_errors' };

  if (dueChanged(ctx.offer, merchant, form, details)) return { kind: 'invalid', errors: {}, formError: 'amount_changed' };
  const existing = await sessionCustomer(ctx);
  if (existing?.status === 'anonymized') return { kind: 'erased' };
  const attemptKey = { merchantId: merchant.id, customerId: existing?.id ?? null, email: details.email.toLowerCase(), ip: ctx.ip };
  if (await isRestricted(deps.db, attemptKey, existing, now)) return { kind: 'restricted' };

  let result: ConfirmResult;
  let gatewayKind: 'test' | 'stripe';
  let first: FirstCharge = { kind: 'none' };
  try {
    const gateway = await gatewayFor(merchant, deps);
    gatewayKind = gateway.kind;
    result = await gateway.confirm({
      idempotencyBase: session.id,
      state: session.gatewayState,
      fields: { ...form },
      returnUrl: `${deps.config.publicUrl}/checkout/${session.id}/return`,
    });
    // "Due today" is taken before anything exists; a refusal is handled like a declined card.
    if (result.status === 'succeeded') first = await chargeFirst(deps, gateway, session, ctx.offer, result, detailsTax(merchant, details));
    if (first.kind === 'refused') result = first.result;
  } catch (error) {
    if (!(error instanceof GatewayUnavailable)) throw error;
    return { kind: 'invalid', errors: {}, formError: 'gateway_unavailable' };
  }

  switch (result.status) {
    case 'succeeded':
      return complete(ctx, details, result.method, result.gatewayCustomerId, gatewayKind, first.kind === 'paid' ? first.payment : undefined);
    case 'requires_action':
      // Stripe runs its own challenge inside the Payment Element: landing here means it was abandoned.
      if (gatewayKind === 'stripe') return { kind: 'invalid', errors: {}, formError: 'authentication_failed' };
      await checkoutRepository(deps.db).saveGatewayState(session.id, {
        ...session.gatewayState,
        details: JSON.stringify(details),
        ...(result.pending ? { pending: JSON.stringify(result.pending) } : {}),
      });
      return { kind: 'requires_action', redirect: result.redirectUrl ?? `/checkout/${session.id}/challenge` };
    case 'unavailable':
      return { kind: 'invalid', errors: {}, formError: 'gateway_unavailable' };
    case 'failed': {
      if (countsAsAttempt(result.code) && (await recordFailure(deps.db, attemptKey, existing, now))) return { kind: 'restricted' };
      // The test gateway answers with message keys; Stripe with its own English text, mapped by code.
      const key: MessageKey = isMessageKey(result.message)
        ? result.message
        : result.code === 'authentication_failed'
          ? 'authentication_failed'
          : 'card_declined';
      return { kind: 'invalid', errors: { [result.param ?? 'card_number']: key }, formError: key };
    }
  }
}

async function complete(
  ctx: Context,
  details: CheckoutDetails,
  method: TokenizedMethod,
  gatewayCustomerId: string | null,
  gatewayKind: 'test' | 'stripe',
  firstPayment?: FirstPayment,
): Promise<SubmitOutcome> {
  const session = ctx.session.locale || !ctx.locale ? ctx.session : { ...ctx.session, locale: ctx.locale };
  try {
    const ids = await finalizeOnce(ctx.deps, ctx.merchant, session, ctx.offer, details, method, gatewayCustomerId, gatewayKind, firstPayment);
    return { kind: 'completed', redirect: successRedirect(ctx.session), ...ids };
  } catch (error) {
    if (error instanceof ApiError && error.code === 'customer_anonymized') return { kind: 'erased' };
    throw error;
  }
}

/** The test gateway's 3-D Secure challenge answered: approve completes, fail counts as a failure. */
export async function answerChallenge(ctx: Context, approved: boolean): Promise<SubmitOutcome> {
  const { deps, session } = ctx;
  const status = effectiveStatus(session, deps.clock());
  if (status !== 'open') return { kind: 'closed', status, redirect: status === 'complete' ? successRedirect(session) : undefined };
  const pending = session.gatewayState.pending;
  const details = session.gatewayState.details;
  if (!pending || !details) return { kind: 'invalid', errors: {}, formError: 'authentication_failed' };
  const parsed = JSON.parse(details) as CheckoutDetails;
  await checkoutRepository(deps.db).saveGatewayState(session.id, {});
  if (approved) {
    const method = JSON.parse(pending) as TokenizedMethod;
    // The challenge the customer just passed stands for the first payment too (on-session 3-D Secure).
    const first = await chargeFirst(deps, await gatewayFor(ctx.merchant, deps), session, ctx.offer, { method, gatewayCustomerId: null }, detailsTax(ctx.merchant, parsed), true);
    if (first.kind === 'refused') {
      const key: MessageKey = first.result.status === 'failed' && isMessageKey(first.result.message) ? first.result.message : 'gateway_unavailable';
      return { kind: 'invalid', errors: { card_number: key }, formError: key, values: { ...parsed } };
    }
    return complete(ctx, parsed, method, null, 'test', first.kind === 'paid' ? first.payment : undefined);
  }
  // Counted like a declined card: against the session's existing customer too, so it can be grey-listed.
  const existing = await sessionCustomer(ctx);
  const attemptKey = { merchantId: ctx.merchant.id, customerId: existing?.id ?? null, email: parsed.email.toLowerCase(), ip: ctx.ip };
  if (await recordFailure(deps.db, attemptKey, existing, deps.clock())) return { kind: 'restricted' };
  return { kind: 'invalid', errors: { card_number: 'authentication_failed' }, formError: 'authentication_failed', values: { ...parsed } };
}
