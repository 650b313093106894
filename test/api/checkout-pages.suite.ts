import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chargedToday, longDate, money, nextChargeDate } from '../harness/oracle.ts';
import { client, type Harness, type HarnessFactory } from '../harness/types.ts';
import { APP_ORIGIN, CARDS, card, formFields, offerBodies, openCheckout, postCheckout, shows } from './checkout.suite.ts';

/** The value an <input name=…> was rendered with ('' when it has none). */
const renderedValue = (html: string, name: string): string => {
  const input = new RegExp(`<input[^>]*name="${name}"[^>]*>`).exec(html)?.[0] ?? '';
  return /\svalue="([^"]*)"/.exec(input)?.[1] ?? '';
};

/** CONTRACT "Hosted pages": what the form keeps after an error, the expiry it reads, Porte's confirmation page. */
export function checkoutPagesSuite(factory: HarnessFactory): void {
  describe('hosted checkout pages: kept values, expiry formats, confirmation', () => {
    let h: Harness;
    let api: ReturnType<typeof client>;
    beforeAll(async () => {
      h = await factory();
      api = client(h, (await h.merchant()).secretKey);
      for (const body of Object.values(offerBodies)) expect((await api('POST', '/v1/offers', body)).status).toBe(201);
    });
    afterAll(async () => h?.close());

    const session = async (successUrl = 'https://shop.example/thanks') =>
      (await api('POST', '/v1/checkout_sessions', { offer: 'basic-monthly', success_url: successUrl, cancel_url: 'https://shop.example/pricing' })).body as { id: string };
    const submit = async (id: string, fields: Record<string, string>) => {
      const page = await openCheckout(h, id);
      return postCheckout(h, `/checkout/${id}`, { csrf: page.csrf, ...fields });
    };

    it('after an error in another field the card comes back as typed; after a decline, neither the number nor the CVC', async () => {
      const { id } = await session();
      const typed = { payment_type: 'card', card_number: CARDS.declined, card_expiry: '1230', card_cvc: '123' };
      const missingCity = await submit(id, { ...formFields('kept@example.com', typed), city: '' });
      expect(missingCity.status).toBe(422);
      expect([renderedValue(missingCity.html, 'card_number'), renderedValue(missingCity.html, 'card_expiry'), renderedValue(missingCity.html, 'card_cvc')]).toEqual([CARDS.declined, '1230', '123']);

      const declined = await submit(id, formFields('kept@example.com', typed));
      expect(declined.status).toBe(422);
      shows(declined.html, 'Your card was declined.');
      expect([renderedValue(declined.html, 'card_number'), renderedValue(declined.html, 'card_cvc'), renderedValue(declined.html, 'city')]).toEqual(['', '', 'Paris']);
    });

    it('reads the expiry however it is typed: 1230, 12/30, 12 / 2030', async () => {
      for (const expiry of ['1230', '12/30', '12 / 2030']) {
        const { id } = await session();
        const done = await submit(id, formFields(`expiry-${expiry.length}@example.com`, { ...card(CARDS.ok), card_expiry: expiry }));
        expect({ expiry, status: done.status }).toEqual({ expiry, status: 303 });
        const customer = (await api('GET', `/v1/checkout_sessions/${id}`)).body.customer;
        expect((await api('GET', `/v1/customers/${customer}`)).body.payment_method.card).toMatchObject({ exp_month: 12, exp_year: 2030 });
      }
    });

    it('Porte’s own success page confirms what was bought, today’s charge and the next one, in the customer’s language', async () => {
      const offer = (await api('GET', '/v1/offers/business-yearly')).body;
      for (const locale of ['en', 'fr'] as const) {
        const res = await api('POST', '/v1/checkout_sessions', { offer: 'business-yearly', success_url: `${APP_ORIGIN}/checkout/thanks?locale=${locale}`, cancel_url: 'https://shop.example/pricing', locale });
        const started = new Date();
        const done = await submit(res.body.id, formFields(`confirm-${locale}@example.com`));
        expect(done.status).toBe(303);
        const url = new URL(done.location ?? '', APP_ORIGIN);
        expect(url.searchParams.get('checkout_session_id')).toBe(res.body.id);
        const page = await h.request(`${url.pathname}${url.search}`);
        expect(page.status).toBe(200);
        const text = (await page.text()).replace(/[\u00a0\u202f]/g, ' ');
        const next = longDate(nextChargeDate(offer, started), locale);
        if (locale === 'en') {
          for (const part of ['You are subscribed', 'Business', 'Charged today', money(chargedToday(offer), 'EUR', 'en'), `${money(29000, 'EUR', 'en')} on ${next}`, 'A receipt is on its way by email.']) shows(text, part);
        } else {
          for (const part of ['Vous êtes abonné', 'Débité aujourd', money(chargedToday(offer), 'EUR', 'fr'), `${money(29000, 'EUR', 'fr')} le ${next}`, 'Un reçu vous est envoyé par e-mail.']) shows(text, part);
        }
      }
    });
  });
}
