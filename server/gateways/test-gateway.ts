import { electronicFormatIBAN, extractIBAN, isValidIBAN } from 'ibantools';
import type { Database } from '../db/port.ts';
import { randomToken } from '../lib/ids.ts';
import type { ChargeInput, ChargeResult, ConfirmInput, ConfirmResult, PaymentGateway } from './port.ts';

/**
 * The built-in test gateway: makes checkout work offline with well-known test numbers.
 * It never keeps a full card number or IBAN: only brand, last4 and expiry (or last4 and country).
 */
export const TEST_CARDS = {
  succeeds: '4242424242424242',
  declined: '4000000000000002',
  challenge: '4000002760003184',
  /** Saved fine; every later charge is declined. */
  chargeDeclined: '4000000000000341',
  insufficientFunds: '4000000000009995',
  /** 3-D Secure at setup only: later off-session charges succeed. */
  setupChallengeOnly: '4000002500003155',
  /** Saved fine; later charges fail as a lost card (a hard decline, never retried). */
  lostCard: '4000000000009987',
} as const;
export const TEST_IBAN = 'DE89370400440532013000';

const luhn = (digits: string): boolean => {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
};

const fail = (code: 'card_declined' | 'invalid_details', param: string, message: string): ConfirmResult => ({
  status: 'failed',
  code,
  param,
  message,
});

function parseExpiry(text: string, now: Date): { month: number; year: number } | undefined {
  const m = /^\s*(\d{1,2})\s*\/\s*(\d{2}|\d{4})\s*$/.exec(text);
  if (!m) return undefined;
  const month = Number(m[1]);
  const year = m[2]!.length === 2 ? 2000 + Number(m[2]) : Number(m[2]);
  if (month < 1 || month > 12) return undefined;
  const endOfMonth = new Date(Date.UTC(year, month, 1));
  return endOfMonth > now ? { month, year } : undefined;
}

function confirmCard(fields: Record<string, string>, now: Date): ConfirmResult {
  const number = (fields.card_number ?? '').replace(/[\s-]/g, '');
  if (!/^\d{12,19}$/.test(number) || !luhn(number)) return fail('invalid_details', 'card_number', 'card_number_invalid');
  const expiry = parseExpiry(fields.card_expiry ?? '', now);
  if (!expiry) return fail('invalid_details', 'card_expiry', 'card_expiry_invalid');
  if (!/^\d{3,4}$/.test((fields.card_cvc ?? '').trim())) return fail('invalid_details', 'card_cvc', 'card_cvc_invalid');
  const card = { brand: 'visa', last4: number.slice(-4), exp_month: expiry.month, exp_year: expiry.year };
  const method = { type: 'card' as const, card, gatewayRef: `test_pm_${number.slice(-4)}` };
  switch (number) {
    case TEST_CARDS.succeeds:
    case TEST_CARDS.chargeDeclined:
    case TEST_CARDS.insufficientFunds:
    case TEST_CARDS.lostCard:
      return { status: 'succeeded', method, gatewayCustomerId: null };
    case TEST_CARDS.declined:
      return fail('card_declined', 'card_number', 'card_declined');
    case TEST_CARDS.challenge:
    case TEST_CARDS.setupChallengeOnly:
      // Porte's own challenge page stands in for the bank's: the tokenized card waits there
      // (brand, last4, expiry only) until the customer approves or fails the verification.
      return { status: 'requires_action', redirectUrl: null, pending: method };
    default:
      return fail('invalid_details', 'card_number', 'test_card_only');
  }
}

function confirmSepa(fields: Record<string, string>): ConfirmResult {
  const iban = electronicFormatIBAN(fields.iban ?? '') ?? '';
  if (!isValidIBAN(iban)) return fail('invalid_details', 'iban', 'iban_invalid');
  if (iban !== TEST_IBAN) return fail('invalid_details', 'iban', 'test_iban_only');
  const country = extractIBAN(iban).countryCode ?? iban.slice(0, 2);
  return {
    status: 'succeeded',
    method: { type: 'sepa_debit', sepa_debit: { last4: iban.slice(-4), country }, gatewayRef: `test_pm_sepa_${iban.slice(-4)}` },
    gatewayCustomerId: null,
  };
}

/** Messages are keys of the hosted pages' dictionary, so the page shows them in the customer's language. */
export function testGateway(clock: () => Date, db?: Database): PaymentGateway {
  return {
    kind: 'test',
    async prepare() {
      return { gateway: 'test', state: {} };
    },
    async confirm(input: ConfirmInput) {
      return input.fields.payment_type === 'sepa_debit' ? confirmSepa(input.fields) : confirmCard(input.fields, clock());
    },
    async charge(input) {
      if (!db) return { status: 'unknown', message: 'The test gateway needs its database to charge.' };
      return testCharge(db, input, clock());
    },
    async retrieve(input) {
      if (!db) return { status: 'unknown', message: 'The test gateway needs its database to charge.' };
      const row = await db.get<{ result: string }>('SELECT result FROM test_gateway_charges WHERE idempotency_key = ?', [input.idempotencyKey]);
      return row ? (JSON.parse(row.result) as ChargeResult) : { status: 'not_found' };
    },
  };
}

/**
 * What a later (off-session) charge on a saved test card does: the saved method's gatewayRef ends
 * with the card's last four digits, which name the test card (CONTRACT.md's list).
 */
export function chargeOutcome(methodRef: string, paymentId: string): ChargeResult {
  const last4 = /(\d{4})$/.exec(methodRef)?.[1];
  const declined = (declineCode: string, hard: boolean, message: string): ChargeResult => ({
    status: 'failed', paymentId, code: 'card_declined', declineCode, hard, message,
  });
  switch (last4) {
    case TEST_CARDS.chargeDeclined.slice(-4):
      return declined('generic_decline', false, 'Your card was declined.');
    case TEST_CARDS.insufficientFunds.slice(-4):
      return declined('insufficient_funds', false, 'Your card has insufficient funds.');
    case TEST_CARDS.lostCard.slice(-4):
      return declined('lost_card', true, 'Your card was declined.');
    case TEST_CARDS.challenge.slice(-4):
      return { status: 'requires_action', paymentId };
    default:
      return { status: 'succeeded', paymentId };
  }
}

/**
 * Charges like Stripe keys them: the first request with a key decides the result and stores it
 * (INSERT OR IGNORE: concurrent requests with the same key agree on one row), every later one
 * answers that same result; the same key with another amount or method is refused.
 */
async function testCharge(db: Database, input: ChargeInput, now: Date): Promise<ChargeResult> {
  const paymentId = `test_py_${randomToken(16)}`;
  const outcome = chargeOutcome(input.method.gatewayRef, paymentId);
  await db.run(
    `INSERT OR IGNORE INTO test_gateway_charges (idempotency_key, payment_id, amount, currency, method_ref, result, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?)`,
    [input.idempotencyKey, paymentId, input.amount, input.currency.toLowerCase(), input.method.gatewayRef, JSON.stringify(outcome), now.toISOString()],
  );
  const row = await db.get<{ amount: number; currency: string; method_ref: string; result: string }>(
    'SELECT amount, currency, method_ref, result FROM test_gateway_charges WHERE idempotency_key = ?',
    [input.idempotencyKey],
  );
  if (!row) return { status: 'unknown', message: 'The test charge was not stored.' };
  if (row.amount !== input.amount || row.currency !== input.currency.toLowerCase() || row.method_ref !== input.method.gatewayRef) {
    return { status: 'failed', paymentId: null, code: 'idempotency_key_reused', hard: true, message: 'This idempotency key was used with other parameters.' };
  }
  return JSON.parse(row.result) as ChargeResult;
}

/**
 * The customer answered Porte's 3-D Secure stand-in for a charge that asked for authentication:
 * the charge succeeds or fails for good (retrieve then tells the billing engine).
 */
export async function answerTestAction(db: Database, paymentId: string, approved: boolean): Promise<boolean> {
  const result: ChargeResult = approved
    ? { status: 'succeeded', paymentId }
    : { status: 'failed', paymentId, code: 'authentication_failed', hard: false, message: 'The customer failed authentication.' };
  const res = await db.run("UPDATE test_gateway_charges SET result = ? WHERE payment_id = ? AND json_extract(result, '$.status') = 'requires_action'", [
    JSON.stringify(result),
    paymentId,
  ]);
  return res.changes > 0;
}
