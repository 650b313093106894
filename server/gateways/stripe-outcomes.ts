/**
 * What a Stripe PaymentIntent (or a Stripe error) means for a Porte payment attempt. Pure
 * functions over the few fields involved, so they stay out of the SDK-importing adapter and can be
 * read on their own: this is where "retry later", "never retry" and "ask the customer" are decided.
 */
import type { ChargeResult } from './port.ts';

/** The fields of a PaymentIntent that decide an attempt's outcome. */
export interface IntentFields {
  id: string;
  status: string;
  client_secret?: string | null;
  last_payment_error?: { code?: string | null; decline_code?: string | null; message?: string | null; advice_code?: string | null } | null;
}

/**
 * Declines that no retry of the same payment method can fix: the card is gone (lost, stolen,
 * picked up, expired, closed), wrong, or refused for fraud, and card networks fine merchants who
 * keep retrying them. The list follows Stripe's decline-code reference ("don't retry" next steps)
 * and the SEPA failure codes meaning the account or mandate is unusable. Everything else
 * (insufficient funds, generic declines, do_not_honor, processing errors) is worth a later retry.
 */
const HARD_DECLINES = new Set([
  'lost_card',
  'stolen_card',
  'pickup_card',
  'expired_card',
  'incorrect_number',
  'invalid_number',
  'invalid_account',
  'fraudulent',
  'merchant_blacklist',
  'restricted_card',
  'revocation_of_authorization',
  'revocation_of_all_authorizations',
  'stop_payment_order',
  'card_not_supported',
  'currency_not_supported',
  'transaction_not_allowed',
  // SEPA Direct Debit failure codes: the account cannot be debited any more.
  'account_closed',
  'no_account',
  'debit_not_authorized',
  'bank_account_restricted',
  'invalid_bank_account_iban',
]);

/** Stripe's "decline codes to never retry" plus its `advice_code` saying so explicitly. */
export function isHardDecline(code: string | null | undefined, declineCode: string | null | undefined, adviceCode?: string | null): boolean {
  if (adviceCode === 'do_not_try_again') return true;
  return HARD_DECLINES.has(declineCode ?? '') || HARD_DECLINES.has(code ?? '');
}

const AUTHENTICATION = new Set(['authentication_required']);

export function outcomeOf(pi: IntentFields): ChargeResult {
  const clientSecret = pi.client_secret ?? undefined;
  switch (pi.status) {
    case 'succeeded':
      return { status: 'succeeded', paymentId: pi.id };
    case 'processing':
      return { status: 'processing', paymentId: pi.id };
    case 'requires_action':
      return { status: 'requires_action', paymentId: pi.id, ...(clientSecret ? { clientSecret } : {}) };
    case 'requires_payment_method': {
      const err = pi.last_payment_error;
      if (!err) return { status: 'unknown', message: `PaymentIntent ${pi.id} was never confirmed.` };
      // Off-session charges that the bank wants authenticated come back declined with this code; the
      // same PaymentIntent can still be confirmed on-session (hosted invoice page) with its client secret.
      if (AUTHENTICATION.has(err.code ?? '') || AUTHENTICATION.has(err.decline_code ?? '')) {
        return { status: 'requires_action', paymentId: pi.id, ...(clientSecret ? { clientSecret } : {}) };
      }
      const code = err.code ?? 'card_declined';
      return {
        status: 'failed',
        paymentId: pi.id,
        code,
        ...(err.decline_code ? { declineCode: err.decline_code } : {}),
        hard: isHardDecline(code, err.decline_code, err.advice_code),
        message: err.message ?? 'The payment was declined.',
      };
    }
    case 'canceled':
      return { status: 'failed', paymentId: pi.id, code: 'canceled', hard: false, message: `PaymentIntent ${pi.id} was canceled.` };
    default:
      // requires_confirmation / requires_capture: Porte confirms on create and never captures by hand.
      return { status: 'unknown', message: `PaymentIntent ${pi.id} is ${pi.status}.` };
  }
}

/** The few fields of a Stripe event Porte acts upon; the rest of the payload is Stripe's business. */
export interface StripeWebhookEvent {
  id: string;
  type: string;
  /** The event's object: a SetupIntent, PaymentIntent, Mandate… (`kind` is Stripe's `object`, `created` in seconds). */
  object: { kind: string; id: string; status: string | null; customer: string | null; paymentMethod: string | null; created: number | null };
  /** A failed setup or payment: the method it failed with (Stripe clears `payment_method` then) and why. */
  failedPaymentMethod?: string;
  failureCode?: string;
  setupIntentId?: string;
  metadata?: Record<string, string>;
}

const idOf = (v: unknown): string | null => (typeof v === 'string' ? v : v && typeof v === 'object' && 'id' in v && typeof v.id === 'string' ? v.id : null);

/** A verified event reduced to what Porte acts upon: every event type has its own object shape. */
export function summarizeEvent(id: string, type: string, data: unknown): StripeWebhookEvent {
  const object = (data ?? {}) as {
    object?: unknown;
    id?: unknown;
    metadata?: unknown;
    status?: unknown;
    customer?: unknown;
    payment_method?: unknown;
    created?: unknown;
    last_setup_error?: { code?: unknown; payment_method?: unknown } | null;
    last_payment_error?: { code?: unknown; payment_method?: unknown } | null;
  };
  const result: StripeWebhookEvent = {
    id,
    type,
    object: {
      kind: typeof object.object === 'string' ? object.object : '',
      id: idOf(object.id) ?? '',
      status: typeof object.status === 'string' ? object.status : null,
      customer: idOf(object.customer),
      paymentMethod: idOf(object.payment_method),
      created: typeof object.created === 'number' ? object.created : null,
    },
  };
  // Stripe clears `payment_method` on a failed attempt; the method it failed with is in the error.
  const failure = object.last_setup_error ?? object.last_payment_error;
  const failedWith = idOf(failure?.payment_method);
  if (failedWith) result.failedPaymentMethod = failedWith;
  if (typeof failure?.code === 'string') result.failureCode = failure.code;
  if (object.object === 'setup_intent' && typeof object.id === 'string') result.setupIntentId = object.id;
  if (object.metadata && typeof object.metadata === 'object') {
    result.metadata = Object.fromEntries(Object.entries(object.metadata).filter((e): e is [string, string] => typeof e[1] === 'string'));
  }
  return result;
}
