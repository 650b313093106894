import * as v from 'valibot';
import { isMessageKey } from '../../hosted-pages/i18n.ts';
import type { PortalMessage } from '../../hosted-pages/portal/i18n.ts';
import type { PortalGatewayView } from '../../hosted-pages/portal/view.ts';
import { type AttemptKey, countsAsAttempt, isRestricted, recordFailure } from '../checkout/grey-list.ts';
import type { Deps } from '../deps.ts';
import { type ConfirmResult, GatewayUnavailable, type PaymentGateway } from '../gateways/port.ts';
import { gatewayFor } from '../gateways/select.ts';
import { sha256Hex } from '../lib/crypto.ts';
import { savePaymentMethod } from './changes.ts';
import type { Portal } from './context.tsx';
import type { PaymentForm } from './schema.ts';
import { seal, unseal } from './token.ts';

export type PaymentOutcome =
  | { kind: 'saved' }
  | { kind: 'invalid'; errors: Partial<Record<string, PortalMessage>>; formError: PortalMessage; values?: Record<string, string> }
  /** The test gateway's 3-D Secure: `pending` is the sealed card awaiting the customer's answer. */
  | { kind: 'challenge'; pending: string }
  | { kind: 'restricted' }
  /** The link was revoked between loading the page and posting. */
  | { kind: 'revoked' };

interface Ctx {
  deps: Deps;
  portal: Portal;
  ip: string | null;
}

/** How long the test gateway's challenge may wait for an answer. */
const CHALLENGE_TTL_MS = 30 * 60 * 1000;

const pendingSchema = v.object({
  v: v.string(),
  at: v.number(),
  method: v.variant('type', [
    v.object({ type: v.literal('card'), card: v.object({ brand: v.string(), last4: v.string(), exp_month: v.number(), exp_year: v.number() }), gatewayRef: v.string() }),
    v.object({ type: v.literal('sepa_debit'), sepa_debit: v.object({ last4: v.string(), country: v.string() }), gatewayRef: v.string() }),
  ]),
});
const stripeStateSchema = v.object({ base: v.string(), state: v.record(v.string(), v.string()) });

/** The grey list counts portal failures like checkout's: per customer, per email and per IP. */
const attemptKey = ({ portal, ip }: Ctx): AttemptKey => ({
  merchantId: portal.merchant.id,
  customerId: portal.customer.id,
  email: portal.customer.email?.toLowerCase() ?? null,
  ip,
});

export const isPaymentRestricted = (ctx: Ctx): Promise<boolean> =>
  isRestricted(ctx.deps.db, attemptKey(ctx), ctx.portal.customer, ctx.deps.clock());

const displayName = (p: Portal): string | null =>
  [p.customer.firstName, p.customer.lastName].filter(Boolean).join(' ') || p.customer.company || null;

async function currentRef(ctx: Ctx): Promise<{ gateway: string; gateway_customer_id: string | null; updated_at: string } | undefined> {
  return ctx.deps.db.get('SELECT gateway, gateway_customer_id, updated_at FROM customer_gateway_refs WHERE customer_id = ? AND merchant_id = ?', [
    ctx.portal.customer.id,
    ctx.portal.merchant.id,
  ]);
}

/**
 * `portal:{customer}:{link_version}:{nonce}`: one Stripe Customer and SetupIntent per link until a
 * payment method is saved (the nonce follows the saved method, so the next change gets a fresh
 * SetupIntent), and reloads replay the same objects through Stripe's idempotency keys. Email and
 * name are in the nonce: Stripe refuses a key reused with other parameters.
 */
async function idempotencyBase(ctx: Ctx, refUpdatedAt: string | null): Promise<string> {
  const { customer } = ctx.portal;
  const nonce = (await sha256Hex(`${refUpdatedAt ?? '-'}\n${customer.email ?? ''}\n${displayName(ctx.portal) ?? ''}`)).slice(0, 16);
  return `portal:${customer.id}:${customer.linkVersion}:${nonce}`;
}

async function gateway(ctx: Ctx): Promise<PaymentGateway | undefined> {
  try {
    return await gatewayFor(ctx.portal.merchant, ctx.deps);
  } catch (error) {
    if (error instanceof GatewayUnavailable) return undefined;
    throw error;
  }
}

/** What the payment form needs: nothing for the test gateway; a SetupIntent for Stripe. */
export async function preparePayment(ctx: Ctx): Promise<PortalGatewayView> {
  const gw = await gateway(ctx);
  if (!gw) return { kind: 'unavailable' };
  if (gw.kind === 'test') return { kind: 'test' };
  const ref = await currentRef(ctx);
  const base = await idempotencyBase(ctx, ref?.updated_at ?? null);
  try {
    const prepared = await gw.prepare({
      idempotencyBase: base,
      email: ctx.portal.customer.email,
      name: displayName(ctx.portal),
      // The customer's existing Stripe Customer keeps all its payment methods together.
      state: ref?.gateway === 'stripe' && ref.gateway_customer_id ? { customer: ref.gateway_customer_id } : {},
      metadata: { porte_customer: ctx.portal.customer.id, porte_merchant: ctx.portal.merchant.id, porte_portal: 'true' },
    });
    if (!prepared.publishableKey || !prepared.clientSecret) return { kind: 'unavailable' };
    const state = await seal(ctx.deps.db, 'portal-gateway', { base, state: prepared.state }, ctx.portal.token);
    return { kind: 'stripe', publishableKey: prepared.publishableKey, clientSecret: prepared.clientSecret, state };
  } catch (error) {
    if (error instanceof GatewayUnavailable) return { kind: 'unavailable' };
    throw error;
  }
}

async function failed(ctx: Ctx, result: Extract<ConfirmResult, { status: 'failed' }>): Promise<PaymentOutcome> {
  if (countsAsAttempt(result.code) && (await recordFailure(ctx.deps.db, attemptKey(ctx), ctx.portal.customer, ctx.deps.clock()))) return { kind: 'restricted' };
  // The test gateway answers with message keys; Stripe with its own English text, mapped by code.
  const key: PortalMessage = isMessageKey(result.message) ? result.message : result.code === 'authentication_failed' ? 'authentication_failed' : 'card_declined';
  return { kind: 'invalid', errors: { [result.param ?? 'card_number']: key }, formError: key };
}

/** The payment form's POST: grey list, the merchant's gateway, then one atomic save. */
export async function submitPayment(ctx: Ctx, form: PaymentForm): Promise<PaymentOutcome> {
  const { deps, portal } = ctx;
  if (await isPaymentRestricted(ctx)) return { kind: 'restricted' };
  const gw = await gateway(ctx);
  if (!gw) return { kind: 'invalid', errors: {}, formError: 'gateway_unavailable' };
  let base = '';
  let state: Record<string, string> = {};
  if (gw.kind === 'stripe') {
    const sealed = v.safeParse(stripeStateSchema, await unseal(deps.db, 'portal-gateway', form.gateway_state, portal.token));
    if (!sealed.success) return { kind: 'invalid', errors: {}, formError: 'authentication_failed' };
    ({ base, state } = sealed.output);
  }
  const result = await gw.confirm({
    idempotencyBase: base,
    state,
    fields: { payment_type: form.payment_type, card_number: form.card_number, card_expiry: form.card_expiry, card_cvc: form.card_cvc, iban: form.iban, setup_intent: form.setup_intent },
    returnUrl: `${deps.config.publicUrl}/portal/${portal.token}/payment_method`,
  });
  switch (result.status) {
    case 'succeeded':
      return (await savePaymentMethod(deps, portal.customer, result.method, result.gatewayCustomerId, gw.kind)) ? { kind: 'saved' } : { kind: 'revoked' };
    case 'requires_action': {
      // Stripe runs its challenge inside the Payment Element: landing here means it was abandoned.
      if (gw.kind === 'stripe' || !result.pending) return { kind: 'invalid', errors: {}, formError: 'authentication_failed' };
      const pending = await seal(deps.db, 'portal-pending', { v: portal.customer.updatedAt, at: deps.clock().getTime(), method: result.pending }, portal.token);
      return { kind: 'challenge', pending };
    }
    case 'unavailable':
      return { kind: 'invalid', errors: {}, formError: 'gateway_unavailable' };
    case 'failed':
      return failed(ctx, result);
  }
}

/**
 * The pending card of a challenge, if the seal is ours, for this link, recent, and the customer
 * has not changed since (so an answered challenge cannot be replayed).
 */
export async function pendingOf(ctx: Ctx, sealed: string) {
  const parsed = v.safeParse(pendingSchema, await unseal(ctx.deps.db, 'portal-pending', sealed, ctx.portal.token));
  if (!parsed.success) return undefined;
  const { v: version, at, method } = parsed.output;
  if (version !== ctx.portal.customer.updatedAt || ctx.deps.clock().getTime() - at > CHALLENGE_TTL_MS) return undefined;
  return method;
}

/** The test gateway's 3-D Secure answered: approve saves the card; fail counts as a failure. */
export async function answerChallenge(ctx: Ctx, sealed: string, approved: boolean): Promise<PaymentOutcome> {
  const method = await pendingOf(ctx, sealed);
  if (!method) return { kind: 'invalid', errors: {}, formError: 'authentication_failed' };
  if (await isPaymentRestricted(ctx)) return { kind: 'restricted' };
  if (approved) return (await savePaymentMethod(ctx.deps, ctx.portal.customer, method, null, 'test')) ? { kind: 'saved' } : { kind: 'revoked' };
  return failed(ctx, { status: 'failed', code: 'authentication_failed', message: 'authentication_failed', param: 'card_number' });
}
