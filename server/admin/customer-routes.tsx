import type { Hono } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { CustomerForm } from '../../hosted-pages/admin/CustomerForm.tsx';
import { CustomerList } from '../../hosted-pages/admin/CustomerList.tsx';
import { CustomerPage } from '../../hosted-pages/admin/CustomerPage.tsx';
import type { Errors } from '../../hosted-pages/admin/ui.tsx';
import { customerRepository } from '../customers/repository.ts';
import { customerService } from '../customers/service.ts';
import { ApiError } from '../http/errors.ts';
import { subscriptionRepository } from '../subscriptions/repository.ts';
import { countryOptions } from '../lib/countries.ts';
import { type AC, type AdminEnv, readForm } from './context.ts';
import { customerPageView } from './customer-view.ts';
import { displayName, parseCustomerForm, type Values, valuesOf } from './customer-form.ts';
import { formatDate, paymentLabel, subscriptionStatus } from './format.ts';
import { portalLinkFlash } from './portal.ts';
import { message, page, tr } from './render.tsx';
import { setFlash } from './session.ts';

export const PAGE_SIZE = 25;

const service = (c: AC) => customerService(c.var.deps.db, c.var.deps.clock);
export const customerNotFound = (c: AC) => message(c, 'not_found_title', 'not_found_body', 404, { href: '/admin/customers', label: 'back_to_list' });

function renderForm(c: AC, o: { mode: 'create' | 'update'; id?: string; name?: string; values: Values; errors?: Errors; status?: ContentfulStatusCode }) {
  const t = tr(c);
  const { locale } = c.var;
  const title = o.mode === 'create' ? t('new_customer_title') : t('edit_customer_title', { name: o.name ?? '' });
  const view = {
    t,
    locale,
    csrf: c.var.session.csrfToken,
    mode: o.mode,
    action: o.mode === 'create' ? '/admin/customers' : `/admin/customers/${o.id}`,
    cancelHref: o.mode === 'create' ? '/admin/customers' : `/admin/customers/${o.id}`,
    values: o.values,
    errors: o.errors ?? {},
    countries: countryOptions(locale),
    // "Show me the link after saving" belongs to creation; an existing customer's page has its own button.
    portal: o.mode === 'create',
  };
  return page(c, { title, nav: 'customers', status: o.status, body: <CustomerForm view={view} /> });
}

/** The API's own errors that belong beside a field of the form. */
function fieldError(error: unknown): Errors | undefined {
  if (error instanceof ApiError && error.code === 'reference_taken') return { reference: 'reference_taken' };
  return undefined;
}

export function customerRoutes(admin: Hono<AdminEnv>): void {
  admin.get('/customers', async (c) => {
    const t = tr(c);
    const merchantId = c.var.merchant.id;
    const q = (c.req.query('q') ?? '').trim().slice(0, 200);
    const after = c.req.query('after');
    const cursor = after ? await customerRepository(c.var.deps.db).byId(merchantId, after) : undefined;
    const rows = await service(c).list(merchantId, { limit: PAGE_SIZE + 1, afterSeq: cursor?.seq, query: q || undefined });
    const shown = rows.slice(0, PAGE_SIZE);
    const plans = await subscriptionRepository(c.var.deps.db).currentForCustomers(merchantId, shown.map((r) => r.id));
    const href = (extra: Record<string, string>) => {
      const params = new URLSearchParams({ ...(q ? { q } : {}), ...extra });
      const s = params.toString();
      return `/admin/customers${s ? `?${s}` : ''}`;
    };
    const last = shown[shown.length - 1];
    const view = {
      t,
      q,
      rows: shown.map((r) => ({
        id: r.id,
        name: displayName(r),
        email: r.email,
        company: r.company,
        reference: r.reference,
        paymentMethod: paymentLabel(t, r.paymentMethod),
        plan: plans.get(r.id)?.offerName,
        status: subscriptionStatus(t, plans.get(r.id)?.status),
        greyListed: r.greyListed,
        anonymized: r.status === 'anonymized',
        created: formatDate(c.var.locale, r.createdAt),
        createdIso: r.createdAt,
      })),
      nextHref: rows.length > PAGE_SIZE && last ? href({ after: last.id }) : undefined,
      firstHref: cursor ? href({}) : undefined,
    };
    return page(c, { title: t('customers_title'), nav: 'customers', body: <CustomerList view={view} /> });
  });

  admin.get('/customers/new', (c) => renderForm(c, { mode: 'create', values: {} }));

  admin.post('/customers', async (c) => {
    const parsed = parseCustomerForm(await readForm(c), 'create');
    if (!parsed.input) return renderForm(c, { mode: 'create', values: parsed.values, errors: parsed.errors, status: 422 });
    let created: Awaited<ReturnType<ReturnType<typeof service>['create']>>;
    try {
      created = await service(c).create(c.var.merchant.id, parsed.input);
    } catch (error) {
      const errors = fieldError(error);
      if (errors) return renderForm(c, { mode: 'create', values: parsed.values, errors, status: 409 });
      throw error;
    }
    const name = displayName(created);
    if (parsed.wantsLink) {
      const link = await portalLinkFlash(c.var.deps, c.var.merchant.id, created, c.var.locale);
      await setFlash(c, { kind: 'ok', key: 'customer_created_link', vars: { name, expires: link.expires }, secret: link.url, secretLabel: 'portal_link_choice' });
    } else {
      await setFlash(c, { kind: 'ok', key: 'customer_created', vars: { name } });
    }
    return c.redirect('/admin/customers', 303);
  });

  admin.get('/customers/:id', async (c) => {
    const customer = await customerRepository(c.var.deps.db).byId(c.var.merchant.id, c.req.param('id'));
    if (!customer) return customerNotFound(c);
    const view = await customerPageView(c, customer);
    const t = tr(c);
    const edit = customer.status === 'active' ? <a class="button" href={`/admin/customers/${customer.id}/edit`}>{t('edit')}</a> : undefined;
    return page(c, { title: view.name, nav: 'customers', heading: edit, body: <CustomerPage view={view} /> });
  });

  admin.get('/customers/:id/edit', async (c) => {
    const customer = await customerRepository(c.var.deps.db).byId(c.var.merchant.id, c.req.param('id'));
    if (!customer) return customerNotFound(c);
    if (customer.status === 'anonymized') {
      await setFlash(c, { kind: 'error', key: 'anonymized_readonly' });
      return c.redirect(`/admin/customers/${customer.id}`, 303);
    }
    return renderForm(c, { mode: 'update', id: customer.id, name: displayName(customer), values: valuesOf(customer) });
  });

  admin.post('/customers/:id', async (c) => {
    const before = await customerRepository(c.var.deps.db).byId(c.var.merchant.id, c.req.param('id'));
    if (!before) return customerNotFound(c);
    const back = `/admin/customers/${before.id}`;
    const parsed = parseCustomerForm(await readForm(c), 'update', before);
    const form = { mode: 'update' as const, id: before.id, name: displayName(before), values: parsed.values };
    if (!parsed.input) return renderForm(c, { ...form, errors: parsed.errors, status: 422 });
    try {
      await service(c).update(c.var.merchant.id, before.id, parsed.input);
    } catch (error) {
      const errors = fieldError(error);
      if (errors) return renderForm(c, { ...form, errors, status: 409 });
      if (!(error instanceof ApiError && error.code === 'customer_anonymized')) throw error;
      await setFlash(c, { kind: 'error', key: 'anonymized_readonly' });
      return c.redirect(back, 303);
    }
    await setFlash(c, { kind: 'ok', key: 'customer_updated' });
    return c.redirect(back, 303);
  });
}
