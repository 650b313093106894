/**
 * The colour of a status badge, by what the status asks of the reader: green when all is well,
 * amber when money is due, red when a payment failed or was given up on, grey when it is over.
 * (A plain `.badge` stays green: it is also the "saved" notice.)
 */
export type BadgeTone = 'ok' | 'warn' | 'bad' | 'off';

const TONES: Record<string, BadgeTone> = {
  active: 'ok',
  trialing: 'ok',
  paid: 'ok',
  open: 'warn',
  incomplete: 'warn',
  past_due: 'bad',
  unpaid: 'bad',
  uncollectible: 'bad',
  void: 'off',
  canceled: 'off',
  draft: 'off',
};

export const badgeClass = (status: string): string => `badge ${TONES[status] ?? 'off'}`;
