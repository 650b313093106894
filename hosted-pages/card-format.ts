/**
 * The test gateway's card fields format themselves as the customer types: the number in groups of
 * four, the expiry with its "/". Pure functions (the value in, the value out) plus the caret kept
 * after the same digit, so typing, pasting and deleting in the middle behave.
 */
export type Formatter = (value: string, deleting: boolean) => string;

/** "4242424242424242" → "4242 4242 4242 4242" (at most 19 digits). */
export const formatCardNumber: Formatter = (value) =>
  value
    .replace(/\D/g, '')
    .slice(0, 19)
    .replace(/(\d{4})(?=\d)/g, '$1 ');

/** "1230" → "12/30", "4" → "04/", "12 / 2030" → "12/2030"; deleting the "/" is not undone. */
export const formatExpiry: Formatter = (value, deleting) => {
  let digits = value.replace(/\D/g, '').slice(0, 6);
  if (digits.length === 1 && digits > '1') digits = `0${digits}`;
  if (digits.length > 2) return `${digits.slice(0, 2)}/${digits.slice(2)}`;
  return digits.length === 2 && !deleting ? `${digits}/` : digits;
};

/** Reformats an input in place, keeping the caret after the same number of digits. */
export function reformat(input: HTMLInputElement, format: Formatter, deleting: boolean): void {
  const caret = input.selectionStart ?? input.value.length;
  const digitsBefore = input.value.slice(0, caret).replace(/\D/g, '').length;
  const next = format(input.value, deleting);
  if (next === input.value) return;
  input.value = next;
  let position = 0;
  for (let seen = 0; position < next.length && seen < digitsBefore; position++) {
    if (/\d/.test(next[position] ?? '')) seen++;
  }
  // Typing goes on after a separator the formatting just added ("12" → "12/").
  if (!deleting) while (position < next.length && /\D/.test(next[position] ?? '')) position++;
  input.setSelectionRange(position, position);
}
