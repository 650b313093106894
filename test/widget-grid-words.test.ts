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

it('shows the VAT label under the price, and the French one once the grid merges translations.fr', async () => {
  const { h } = await import('preact');
  const { render } = await import('preact-render-to-string');
  const { Card } = await import('../widget/grid/card.tsx');
  // The payload as the server sends it (server/pricing-tables/service.ts): English on the offer, French in translations.
  const sent = { ...offer('month', 1), tax_label: 'incl. VAT', translations: { fr: { tax_label: 'TTC' } } };
  const card = (o: Offer, locale: 'en' | 'fr') => render(h(Card, { offer: o, highlighted: false, locale, t: words[locale], choose: () => {} }));
  expect(card(sent, 'en')).toMatch(/<p class="price">.*<small>incl\. VAT<\/small><\/p>/);
  expect(card({ ...sent, ...sent.translations.fr }, 'fr')).toMatch(/<p class="price">.*<small>TTC<\/small><\/p>/);
  expect(card({ ...sent, tax_label: null }, 'en')).not.toContain('<small>');
});
