/**
 * Stripe's test payment methods, as documented on docs.stripe.com/testing: the `pm_card_*` tokens
 * (each use creates a new PaymentMethod, as on Stripe) and the SEPA test IBANs. The last four digits
 * are those of the documented card numbers, so a wrong mapping shows in every assertion on last4.
 */
import { asObject, invalid, type Json, type JsonObject, missing, type Reply, type World } from './core.ts';

/** How a card answers a payment. `onSetup`: authenticate once when set up for off-session use, then charges pass. */
export type Auth = 'none' | 'always' | 'onSetup';
export interface Decline {
  code: string;
  declineCode: string;
  message: string;
  /** Stripe's "decline after attaching" card saves fine and fails only payments. */
  atSetup: boolean;
}
export type CardBehaviour = { auth: Auth; decline?: Decline; setUpForOffSession?: boolean };
/**
 * `atSetup`: the bank refuses the account itself, so the mandate fails when it is set up
 * (SetupIntent `setup_failed`, mandate `inactive`) and every debit fails; otherwise the account is
 * fine and only debits fail (insufficient funds, limits). Stripe documents the debits' outcome
 * ("processing → requires_payment_method"); failing the setup of the refused accounts is this
 * server's choice, so that `setup_intent.setup_failed` and `mandate.updated` can be exercised.
 */
export type SepaOutcome = { succeeds: true; disputed?: boolean } | { succeeds: false; failureCode: string; message: string; atSetup: boolean };
export type TestMethod =
  | ({ type: 'card'; brand: string; last4: string } & CardBehaviour)
  | { type: 'sepa_debit'; last4: string; country: string; bankCode: string; outcome: SepaOutcome; delayed: boolean };

const declined = (code: string, declineCode: string, message: string, atSetup = true): Decline => ({ code, declineCode, message, atSetup });
const card = (brand: string, last4: string, behaviour: Partial<CardBehaviour> = {}): TestMethod => ({ type: 'card', brand, last4, auth: 'none', ...behaviour });
const DECLINED = 'Your card was declined.';

export const TEST_CARDS: Record<string, TestMethod> = {
  pm_card_visa: card('visa', '4242'),
  pm_card_visa_debit: card('visa', '5556'),
  pm_card_mastercard: card('mastercard', '4444'),
  pm_card_amex: card('amex', '0005'),
  pm_card_chargeDeclined: card('visa', '0002', { decline: declined('card_declined', 'generic_decline', DECLINED) }),
  pm_card_visa_chargeDeclined: card('visa', '0002', { decline: declined('card_declined', 'generic_decline', DECLINED) }),
  pm_card_chargeDeclinedInsufficientFunds: card('visa', '9995', { decline: declined('card_declined', 'insufficient_funds', 'Your card has insufficient funds.') }),
  pm_card_chargeDeclinedLostCard: card('visa', '9987', { decline: declined('card_declined', 'lost_card', DECLINED) }),
  pm_card_chargeDeclinedStolenCard: card('visa', '9979', { decline: declined('card_declined', 'stolen_card', DECLINED) }),
  pm_card_chargeDeclinedFraudulent: card('visa', '0019', { decline: declined('card_declined', 'fraudulent', DECLINED) }),
  pm_card_chargeDeclinedExpiredCard: card('visa', '0069', { decline: declined('expired_card', 'expired_card', 'Your card has expired.') }),
  pm_card_chargeDeclinedIncorrectCvc: card('visa', '0127', { decline: declined('incorrect_cvc', 'incorrect_cvc', "Your card's security code is incorrect.") }),
  pm_card_chargeDeclinedProcessingError: card('visa', '0119', { decline: declined('processing_error', 'processing_error', 'An error occurred while processing your card. Try again in a little bit.') }),
  pm_card_chargeCustomerFail: card('visa', '0341', { decline: declined('card_declined', 'generic_decline', DECLINED, false) }),
  pm_card_authenticationRequired: card('visa', '3184', { auth: 'always' }),
  pm_card_threeDSecure2Required: card('visa', '3220', { auth: 'always' }),
  pm_card_authenticationRequiredOnSetup: card('visa', '3155', { auth: 'onSetup' }),
  pm_card_authenticationRequiredSetupForOffSession: card('visa', '3155', { auth: 'onSetup', setUpForOffSession: true }),
  pm_card_authenticationRequiredChargeDeclinedInsufficientFunds: card('visa', '3178', {
    auth: 'always',
    decline: declined('card_declined', 'insufficient_funds', 'Your card has insufficient funds.', false),
  }),
};

const sepa = (iban: string, outcome: SepaOutcome, delayed = false): [string, TestMethod] => [
  iban,
  { type: 'sepa_debit', last4: iban.slice(-4), country: iban.slice(0, 2), bankCode: iban.slice(4, 12), outcome, delayed },
];
const OK: SepaOutcome = { succeeds: true };
const FAILED: SepaOutcome = { succeeds: false, failureCode: 'no_account', message: 'The bank account could not be located.', atSetup: true };
const NO_FUNDS = 'The customer’s account has insufficient funds to cover this payment.';
/** docs.stripe.com/payments/sepa-debit/accept-a-payment#test-integration (DE and AT rows). */
export const TEST_IBANS: Record<string, TestMethod> = Object.fromEntries([
  sepa('DE89370400440532013000', OK),
  sepa('DE08370400440532013003', OK, true),
  sepa('DE62370400440532013001', FAILED),
  sepa('DE78370400440532013004', FAILED, true),
  sepa('DE35370400440532013002', { succeeds: true, disputed: true }),
  sepa('DE65370400440000343434', { succeeds: false, failureCode: 'charge_exceeds_source_limit', message: 'This payment would exceed the weekly volume limit.', atSetup: false }),
  sepa('DE27370400440000121212', { succeeds: false, failureCode: 'charge_exceeds_weekly_limit', message: 'This payment exceeds the weekly transaction limit.', atSetup: false }),
  sepa('DE65370400440002222227', { succeeds: false, failureCode: 'insufficient_funds', message: NO_FUNDS, atSetup: false }),
  sepa('AT611904300234573201', OK),
  sepa('AT321904300235473204', OK, true),
  sepa('AT861904300235473202', FAILED),
  sepa('AT051904300235473205', FAILED, true),
  sepa('AT591904300235473203', { succeeds: true, disputed: true }),
]);
/** The SEPA test tokens (`pm_success_de`, …) name the same accounts. */
const SEPA_TOKENS: Record<string, string> = {
  pm_success_de: 'DE89370400440532013000',
  pm_successDelayed_de: 'DE08370400440532013003',
  pm_failed_de: 'DE62370400440532013001',
  pm_failedDelayed_de: 'DE78370400440532013004',
  pm_disputed_de: 'DE35370400440532013002',
  pm_insufficientFunds_de: 'DE65370400440002222227',
};

/** Behaviour of every PaymentMethod created here, by id (the JSON object only shows what Stripe shows). */
export const behaviours = new WeakMap<JsonObject, TestMethod>();

/** A PaymentMethod from a test token, an existing id of this account, or raw SEPA details. */
export function resolveMethod(world: World, params: JsonObject): JsonObject | Reply {
  const ref = params.payment_method;
  const data = asObject(params.payment_method_data);
  if (typeof ref === 'string') {
    const existing = world.account.objects.payment_method.get(ref);
    if (existing) return existing;
    const test = TEST_CARDS[ref] ?? (SEPA_TOKENS[ref] ? TEST_IBANS[SEPA_TOKENS[ref]!] : undefined);
    return test ? storeMethod(world, test) : missing('PaymentMethod', ref, 'payment_method');
  }
  if (data?.type === 'sepa_debit') {
    const iban = String(asObject(data.sepa_debit)?.iban ?? '').replace(/\s/g, '').toUpperCase();
    if (!/^[A-Z]{2}\d{2}[A-Z0-9]{10,30}$/.test(iban)) {
      return invalid('The IBAN you provided appears to be invalid.', { code: 'invalid_bank_account_iban', param: 'payment_method_data[sepa_debit][iban]' });
    }
    // Any other well-formed IBAN behaves like the first successful test account, as in test mode.
    const known = TEST_IBANS[iban];
    const test: TestMethod = known ?? { type: 'sepa_debit', last4: iban.slice(-4), country: iban.slice(0, 2), bankCode: iban.slice(4, 12), outcome: OK, delayed: false };
    return storeMethod(world, test);
  }
  if (data) return invalid(`payment_method_data[type] ${String(data.type)} is not supported here.`, { param: 'payment_method_data[type]' });
  return invalid('You must provide a payment_method or payment_method_data.', { code: 'parameter_missing', param: 'payment_method' });
}

export function storeMethod(world: World, test: TestMethod): JsonObject {
  const id = world.newId('pm');
  const details: JsonObject =
    test.type === 'card'
      ? { card: { brand: test.brand, last4: test.last4, exp_month: 12, exp_year: new Date().getUTCFullYear() + 3, country: 'US', funding: 'credit' } }
      : { sepa_debit: { last4: test.last4, country: test.country, bank_code: test.bankCode, branch_code: null, fingerprint: `fp_${id}` } };
  const pm: JsonObject = { id, object: 'payment_method', type: test.type, customer: null, created: world.now(), livemode: false, metadata: {}, billing_details: {}, ...details };
  world.account.objects.payment_method.set(id, pm);
  behaviours.set(pm, { ...test });
  return pm;
}

export const behaviourOf = (pm: JsonObject): TestMethod => behaviours.get(pm)!;

/** Attaching to another customer than the one it belongs to is refused, as on Stripe. */
export function attach(pm: JsonObject, customer: Json | undefined): Reply | null {
  if (typeof customer !== 'string') return null;
  if (pm.customer && pm.customer !== customer) {
    return invalid('The provided PaymentMethod belongs to a different Customer.', { code: 'payment_method_invalid_parameter', param: 'payment_method' });
  }
  pm.customer = customer;
  return null;
}

/** A SEPA mandate for `pm`, pending until the first debit or setup settles. */
export function createMandate(world: World, pm: JsonObject, acceptance: JsonObject | null, status: 'pending' | 'active'): JsonObject {
  const id = world.newId('mandate');
  const mandate: JsonObject = {
    ...{ id, object: 'mandate', livemode: false, payment_method: pm.id ?? null, status, type: 'multi_use', multi_use: {} },
    customer_acceptance: { type: String(acceptance?.type ?? 'online'), accepted_at: world.now(), online: asObject(acceptance?.online) ?? null },
    payment_method_details: { type: 'sepa_debit', sepa_debit: { reference: id.toUpperCase(), url: `${world.origin}/_fake/mandates/${id}` } },
  };
  world.account.objects.mandate.set(id, mandate);
  return mandate;
}

export function mandateFor(world: World, pmId: string): JsonObject | undefined {
  for (const m of world.account.objects.mandate.values()) if (m.payment_method === pmId && m.status !== 'inactive') return m;
  return undefined;
}

/** A mandate turns inactive (bank refused the debit, customer revoked it): Stripe says so with `mandate.updated`. */
export function deactivateMandate(world: World, mandate: JsonObject): void {
  if (mandate.status === 'inactive') return;
  mandate.status = 'inactive';
  world.emit('mandate.updated', mandate);
}
