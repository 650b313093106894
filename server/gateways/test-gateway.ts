import { electronicFormatIBAN, extractIBAN, isValidIBAN } from 'ibantools';
import type { ConfirmInput, ConfirmResult, PaymentGateway } from './port.ts';

/**
 * The built-in test gateway: makes checkout work offline with well-known test numbers.
 * It never keeps a full card number or IBAN: only brand, last4 and expiry (or last4 and country).
 */
export const TEST_CARDS = {
  succeeds: '4242424242424242',
  declined: '4000000000000002',
  challenge: '4000002760003184',
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

/** "12/30", "12 / 2030", "1230", "122030": month then year, with or without a separator. */
export function parseExpiry(text: string, now: Date): { month: number; year: number } | undefined {
  const m = /^\s*(?:(?<m1>\d{1,2})\s*[/-]\s*|(?<m2>\d{2}))(?<y>\d{2}|\d{4})\s*$/.exec(text);
  const digits = m?.groups?.y;
  if (!digits) return undefined;
  const month = Number(m.groups?.m1 ?? m.groups?.m2);
  const year = digits.length === 2 ? 2000 + Number(digits) : Number(digits);
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
      return { status: 'succeeded', method, gatewayCustomerId: null };
    case TEST_CARDS.declined:
      return fail('card_declined', 'card_number', 'card_declined');
    case TEST_CARDS.challenge:
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
export function testGateway(clock: () => Date): PaymentGateway {
  return {
    kind: 'test',
    async prepare() {
      return { gateway: 'test', state: {} };
    },
    async confirm(input: ConfirmInput) {
      return input.fields.payment_type === 'sepa_debit' ? confirmSepa(input.fields) : confirmCard(input.fields, clock());
    },
    // Scaffold until the billing engine lands (it gives the test gateway its idempotent charges).
    async charge() {
      return { status: 'unknown', message: 'Test-gateway charges are not wired yet.' };
    },
    async retrieve() {
      return { status: 'unknown', message: 'Test-gateway charges are not wired yet.' };
    },
  };
}
