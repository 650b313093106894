import { expect, it } from 'vitest';
import { type Offer, period, words } from '../widget/grid/card.tsx';

const offer = (interval: Offer['recurring']['interval'], count: number): Offer => ({
  reference: 'x',
  name: 'X',
  description: null,
  currency: 'EUR',
  amount_upfront: 0,
  recurring: { amount: 100, interval, interval_count: count },
  trial: { days: 0, amount: 0 },
  features: [],
});

it('says the billing period as a visitor reads it, in English and French, singular and plural', () => {
  expect(period(offer('month', 1), words.en)).toBe('/ month');
  expect(period(offer('week', 2), words.en)).toBe('every 2 weeks');
  expect(period(offer('month', 3), words.fr)).toBe('tous les 3 mois');
  expect(period(offer('week', 2), words.fr)).toBe('tous les 2 semaines');
  expect(period(offer('year', 2), words.fr)).toBe('tous les 2 ans');
  expect(period(offer('day', 10), words.fr)).toBe('tous les 10 jours');
});
