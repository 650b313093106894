/**
 * The payment-gateway port: the second real seam of Porte (the first is the database).
 * A gateway tokenizes a payment method for later off-session billing; card data never reaches
 * Porte with Stripe, and the test gateway only ever keeps brand, last4 and expiry.
 */
export interface CardDetails {
  brand: string;
  last4: string;
  exp_month: number;
  exp_year: number;
}

export interface SepaDetails {
  last4: string;
  country: string;
}

export type TokenizedMethod =
  | { type: 'card'; card: CardDetails; gatewayRef: string }
  | { type: 'sepa_debit'; sepa_debit: SepaDetails; gatewayRef: string };

/** What a gateway answers when the customer submits the payment form. */
export type ConfirmResult =
  /**
   * `payment`: the page paid as well as saved the method (Stripe PaymentIntent with
   * setup_future_usage): `succeeded`, or `processing` for a SEPA debit that settles days later.
   */
  | { status: 'succeeded'; method: TokenizedMethod; gatewayCustomerId: string | null; payment?: GatewayPayment }
  /** 3-D Secure or similar: send the customer to `redirectUrl`, then confirm again. */
  | { status: 'requires_action'; redirectUrl: string | null; pending?: TokenizedMethod }
  | { status: 'failed'; code: 'card_declined' | 'invalid_details' | 'authentication_failed'; message: string; param?: string }
  /** The gateway itself failed (5xx, timeout): nothing was created, the customer may retry. */
  | { status: 'unavailable'; message: string };

/** A payment made on-session while the method was saved (first payment at checkout). */
export interface GatewayPayment {
  id: string;
  status: 'succeeded' | 'processing';
  amount: number;
  currency: string;
}

/** Client-side parameters the payment form needs (e.g. Stripe's publishable key and client secret). */
export interface PreparedCollection {
  gateway: 'test' | 'stripe';
  publishableKey?: string;
  clientSecret?: string;
  /** What the client secret confirms: a SetupIntent (save only) or a PaymentIntent (pay and save). */
  intent?: 'setup' | 'payment';
  /** Opaque state to keep with the checkout session (Stripe customer and SetupIntent ids). */
  state: Record<string, string>;
}

export interface PrepareInput {
  /** Stable per checkout session or portal link: every gateway write derives its idempotency key from it. */
  idempotencyBase: string;
  email: string | null;
  name: string | null;
  /** State kept from an earlier prepare of the same session, reused rather than recreated. */
  state: Record<string, string>;
  metadata: Record<string, string>;
  /** Also take this payment on-session (3-D Secure when asked) while saving the method. */
  payment?: { amount: number; currency: string; description: string };
}

export interface ConfirmInput {
  idempotencyBase: string;
  state: Record<string, string>;
  /** What the page posted: test-gateway fields, or Stripe's SetupIntent id after confirmSetup. */
  fields: Record<string, string>;
  /** Where to come back after an off-site action (3-D Secure). */
  returnUrl: string;
}

export interface PaymentGateway extends ChargingGateway {
  readonly kind: 'test' | 'stripe';
  prepare(input: PrepareInput): Promise<PreparedCollection>;
  confirm(input: ConfirmInput): Promise<ConfirmResult>;
}

/** The gateway cannot be used right now (not configured, unreachable): nothing was created. */
export class GatewayUnavailable extends Error {}

/**
 * Off-session charges (renewals, retries, first payments). Every charge carries an idempotency key
 * derived from its payment attempt id: asking again with the same key never charges twice, so a
 * crash or timeout between "charged" and "recorded" is settled by `retrieve`, never by a new charge.
 */
export interface ChargeInput {
  /** `attempt_<id>`-style key, stable for one payment attempt across crashes and retries. */
  idempotencyKey: string;
  /** Integer minor units, > 0. */
  amount: number;
  /** ISO 4217, lower or upper case (adapters normalise). */
  currency: string;
  /** The saved method's gateway reference (`TokenizedMethod.gatewayRef`) and the gateway's customer. */
  method: { type: 'card' | 'sepa_debit'; gatewayRef: string };
  gatewayCustomerId: string | null;
  description: string;
  metadata: Record<string, string>;
}

export type ChargeResult =
  | { status: 'succeeded'; paymentId: string }
  /** SEPA debits: accepted, settles (or fails) days later; the gateway's events/retrieve tell. */
  | { status: 'processing'; paymentId: string }
  /** The bank asks for the customer (3-D Secure): complete on-session on the hosted invoice page. */
  | { status: 'requires_action'; paymentId: string; clientSecret?: string }
  /**
   * Declined. `hard` declines (lost, stolen, expired card, …) are never retried by dunning.
   * `declineCode` is the gateway's reason (e.g. `insufficient_funds`).
   */
  | { status: 'failed'; paymentId: string | null; code: string; declineCode?: string; hard: boolean; message: string }
  /** Outcome unknown (timeout, 5xx): nothing may be assumed; call `retrieve` with the same key later. */
  | { status: 'unknown'; message: string };

export interface RetrieveInput {
  idempotencyKey: string;
  /** Known when an earlier answer named it; otherwise the adapter finds it by the idempotency key. */
  paymentId: string | null;
  /** The original input, so an adapter may re-send it under the same idempotency key. */
  charge: ChargeInput;
}

export interface ChargingGateway {
  charge(input: ChargeInput): Promise<ChargeResult>;
  /** What happened to an attempt; `not_found` when the gateway never saw it (safe to charge). */
  retrieve(input: RetrieveInput): Promise<ChargeResult | { status: 'not_found' }>;
}
