import type { Hono } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { formatMoney } from '../../hosted-pages/format.ts';
import { OfferForm, OfferList } from '../../hosted-pages/admin/OfferPages.tsx';
import type { Errors } from '../../hosted-pages/admin/ui.tsx';
import { ApiError } from '../http/errors.ts';
import type { Offer } from '../offers/repository.ts';
import { offerService } from '../offers/service.ts';
import { type AC, type AdminEnv, readForm } from './context.ts';
import { priceText } from './format.ts';
import { fieldOfParam, offerValues, parseOfferForm, type Values } from './offer-form.ts';
import { message, page, tr } from './render.tsx';
import { setFlash } from './session.ts';

const service = (c: AC) => offerService(c.var.deps.db, c.var.deps.clock);
const notFound = (c: AC) => message(c, 'not_found_title', 'not_found_body', 404, { href: '/admin/offers', label: 'nav_offers' });

/** The offers API's refusals that belong beside a field: a taken reference, a price frozen by subscriptions. */
function fieldError(error: unknown): Errors | undefined {
  if (!(error instanceof ApiError)) return undefined;
  if (error.code === 'reference_taken') return { reference: 'offer_reference_taken' };
  if (error.code === 'offer_in_use') return { [fieldOfParam[error.param ?? ''] ?? error.param ?? 'recurring_amount']: 'price_frozen' };
  return undefined;
}

function renderForm(c: AC, o: { offer?: Offer; values: Values; errors?: Errors; status?: ContentfulStatusCode }) {
  const t = tr(c);
  const title = o.offer ? t('edit_offer_title', { name: o.offer.name }) : t('new_offer');
  const view = { t, csrf: c.var.session.csrfToken, action: o.offer ? `/admin/offers/${o.offer.id}` : '/admin/offers', values: o.values, errors: o.errors ?? {} };
  return page(c, { title, nav: 'offers', status: o.status, body: <OfferForm view={view} /> });
}

export function offerRoutes(admin: Hono<AdminEnv>): void {
  admin.get('/offers', async (c) => {
    const t = tr(c);
    const { locale } = c.var;
    const offers = await service(c).list(c.var.merchant.id, { limit: 100 });
    const rows = offers.map((o) => ({
      id: o.id,
      name: o.name,
      reference: o.reference,
      price: priceText(t, locale, o.recurring.amount, o.currency, o.recurring.interval, o.recurring.intervalCount),
      trial: o.trial.days > 0 ? t('trial', { days: o.trial.days }) : '',
      setup: o.amountUpfront > 0 ? `${t('setup_fee')} ${formatMoney(o.amountUpfront, o.currency, locale)}` : '',
      visible: o.visible,
    }));
    const add = <a class="button" href="/admin/offers/new">{t('new_offer')}</a>;
    return page(c, { title: t('offers_title'), nav: 'offers', heading: add, body: <OfferList t={t} csrf={c.var.session.csrfToken} rows={rows} /> });
  });

  admin.get('/offers/new', (c) => renderForm(c, { values: { visible: '1', currency: 'EUR', interval: 'month', interval_count: '1', trial_days: '0' } }));

  admin.post('/offers', async (c) => {
    const parsed = parseOfferForm(await readForm(c), 'create');
    if (!parsed.input) return renderForm(c, { values: parsed.values, errors: parsed.errors, status: 422 });
    try {
      const offer = await service(c).create(c.var.merchant.id, parsed.input);
      await setFlash(c, { kind: 'ok', key: 'offer_saved', vars: { name: offer.name } });
    } catch (error) {
      const errors = fieldError(error);
      if (!errors) throw error;
      return renderForm(c, { values: parsed.values, errors, status: 409 });
    }
    return c.redirect('/admin/offers', 303);
  });

  admin.get('/offers/:id/edit', async (c) => {
    const offer = await service(c).get(c.var.merchant.id, c.req.param('id')).catch(() => undefined);
    if (!offer) return notFound(c);
    return renderForm(c, { offer, values: offerValues(offer, c.var.locale) });
  });

  admin.post('/offers/:id', async (c) => {
    const offer = await service(c).get(c.var.merchant.id, c.req.param('id')).catch(() => undefined);
    if (!offer) return notFound(c);
    const parsed = parseOfferForm(await readForm(c), 'update');
    if (!parsed.input) return renderForm(c, { offer, values: parsed.values, errors: parsed.errors, status: 422 });
    try {
      const saved = await service(c).update(c.var.merchant.id, offer.id, parsed.input);
      await setFlash(c, { kind: 'ok', key: 'offer_saved', vars: { name: saved.name } });
    } catch (error) {
      const errors = fieldError(error);
      if (!errors) throw error;
      return renderForm(c, { offer, values: parsed.values, errors, status: 409 });
    }
    return c.redirect('/admin/offers', 303);
  });

  // Offers are never deleted (subscriptions point at them): hiding takes them off tables and links.
  admin.post('/offers/:id/visibility', async (c) => {
    const offer = await service(c).get(c.var.merchant.id, c.req.param('id')).catch(() => undefined);
    if (!offer) return notFound(c);
    const visible = (await readForm(c)).text('visible') === '1';
    await service(c).update(c.var.merchant.id, offer.id, { visible });
    await setFlash(c, { kind: 'ok', key: visible ? 'offer_shown' : 'offer_hidden', vars: { name: offer.name } });
    return c.redirect('/admin/offers', 303);
  });
}
