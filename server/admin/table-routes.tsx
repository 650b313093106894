import type { Hono } from 'hono';
import * as v from 'valibot';
import { GridPreview } from '../../hosted-pages/admin/GridPreview.tsx';
import { TableList, TablePage } from '../../hosted-pages/admin/TablePages.tsx';
import type { Errors } from '../../hosted-pages/admin/ui.tsx';
import { ApiError } from '../http/errors.ts';
import { merchantRepository } from '../merchants/repository.ts';
import { localizeOffer } from '../offers/schema.ts';
import { offerService } from '../offers/service.ts';
import { pricingTableCreateSchema, type PricingTableUpdate } from '../pricing-tables/schema.ts';
import { pricingTableService, publicPricingTable } from '../pricing-tables/service.ts';
import { type AC, type AdminEnv, readForm } from './context.ts';
import { message, page, tr } from './render.tsx';
import { setFlash } from './session.ts';

const tables = (c: AC) => pricingTableService(c.var.deps.db, c.var.deps.clock);
const allOffers = (c: AC) => offerService(c.var.deps.db, c.var.deps.clock).list(c.var.merchant.id, { limit: 100 });
const notFound = (c: AC) => message(c, 'not_found_title', 'not_found_body', 404, { href: '/admin/pricing-tables', label: 'nav_tables' });

async function renderList(c: AC, values: Record<string, string> = {}, errors: Errors = {}, status: 200 | 409 | 422 = 200) {
  const t = tr(c);
  const [list, offers] = await Promise.all([tables(c).list(c.var.merchant.id, { limit: 100 }), allOffers(c)]);
  const body = <TableList t={t} csrf={c.var.session.csrfToken} tables={list} offers={offers} values={values} errors={errors} />;
  return page(c, { title: t('tables_title'), nav: 'tables', status, body });
}

/** Moves one reference up or down, or removes it; the rest keeps its order. */
export function reorder(refs: readonly string[], offer: string, op: string): string[] {
  const list = [...refs];
  const i = list.indexOf(offer);
  if (i < 0) return list;
  if (op === 'remove') list.splice(i, 1);
  const j = op === 'up' ? i - 1 : op === 'down' ? i + 1 : -1;
  if (j >= 0 && j < list.length && op !== 'remove') [list[i], list[j]] = [list[j] as string, list[i] as string];
  return list;
}

export function tableRoutes(admin: Hono<AdminEnv>): void {
  admin.get('/pricing-tables', (c) => renderList(c));

  admin.post('/pricing-tables', async (c) => {
    const form = await readForm(c);
    const values = { reference: form.text('reference'), offer: form.text('offer') };
    const parsed = v.safeParse(pricingTableCreateSchema, { reference: values.reference, offers: [values.offer] });
    if (!parsed.success) return renderList(c, values, values.reference ? { reference: 'reference_invalid' } : { reference: 'required' }, 422);
    try {
      await tables(c).create(c.var.merchant.id, parsed.output);
    } catch (error) {
      if (error instanceof ApiError && error.code === 'reference_taken') return renderList(c, values, { reference: 'table_reference_taken' }, 409);
      if (error instanceof ApiError && error.param === 'offers') return renderList(c, values, { offer: 'invalid_value' }, 422);
      throw error;
    }
    await setFlash(c, { kind: 'ok', key: 'table_saved' });
    return c.redirect(`/admin/pricing-tables/${encodeURIComponent(parsed.output.reference)}`, 303);
  });

  admin.get('/pricing-tables/:ref', async (c) => {
    const t = tr(c);
    const merchantId = c.var.merchant.id;
    const reference = c.req.param('ref');
    const table = await tables(c).get(merchantId, reference).catch(() => undefined);
    if (!table) return notFound(c);
    const { db, config } = c.var.deps;
    const [offers, shown, key] = await Promise.all([
      allOffers(c),
      publicPricingTable(db, merchantId, reference),
      merchantRepository(db).publishableKey(merchantId),
    ]);
    const byRef = new Map(offers.map((o) => [o.reference, o]));
    const view = {
      t,
      csrf: c.var.session.csrfToken,
      reference: table.reference,
      offers: table.offers.map((ref) => ({ reference: ref, name: byRef.get(ref)?.name ?? ref, visible: byRef.get(ref)?.visible ?? false })),
      highlighted: table.highlighted,
      addable: offers.filter((o) => !table.offers.includes(o.reference)).map((o) => ({ reference: o.reference, name: o.name })),
      embedCode: `<script src="${config.publicUrl}/widget.js" data-key="${key ?? ''}" async></script>\n<div data-porte-pricing-table="${table.reference}"></div>`,
      previewEmpty: !shown || shown.offers.length === 0,
    };
    // The preview reads as the widget would for a visitor in the back-office's language: the same
    // localizeOffer as checkout and the portal, so translated words fall back to the default ones alike.
    return page(c, {
      title: t('table_title', { reference: table.reference }),
      nav: 'tables',
      body: (nonce) => (
        <TablePage
          view={{ ...view, preview: shown && <GridPreview offers={shown.offers.map((o) => localizeOffer(o, c.var.locale))} highlighted={shown.highlighted} locale={c.var.locale} nonce={nonce} /> }}
        />
      ),
    });
  });

  /** Applies one change through the pricing tables service (the API's own validation). */
  const change = (path: string, build: (form: Awaited<ReturnType<typeof readForm>>, table: { offers: string[]; highlighted: string | null }) => PricingTableUpdate) =>
    admin.post(`/pricing-tables/:ref/${path}`, async (c) => {
      const reference = c.req.param('ref');
      const back = `/admin/pricing-tables/${encodeURIComponent(reference)}`;
      const table = await tables(c).get(c.var.merchant.id, reference).catch(() => undefined);
      if (!table) return notFound(c);
      const update = build(await readForm(c), table);
      if (update.offers && update.offers.length === 0) {
        await setFlash(c, { kind: 'error', key: 'table_needs_offer' });
        return c.redirect(back, 303);
      }
      try {
        await tables(c).update(c.var.merchant.id, reference, update);
      } catch (error) {
        if (!(error instanceof ApiError) || error.status !== 400) throw error;
        await setFlash(c, { kind: 'error', key: 'invalid_value' });
        return c.redirect(back, 303);
      }
      await setFlash(c, { kind: 'ok', key: 'table_saved' });
      return c.redirect(back, 303);
    });

  change('order', (form, table) => {
    const offers = reorder(table.offers, form.text('offer'), form.text('op'));
    // Removing the highlighted offer removes the highlight too, rather than being refused.
    return { offers, ...(table.highlighted && !offers.includes(table.highlighted) ? { highlighted: null } : {}) };
  });
  change('add', (form, table) => ({ offers: [...table.offers, form.text('offer')] }));
  change('highlight', (form) => ({ highlighted: form.text('highlighted') || null }));
}
