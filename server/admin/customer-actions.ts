import type { Hono } from 'hono';
import type { AdminKey } from '../../hosted-pages/admin/i18n.ts';
import { type Customer, customerRepository } from '../customers/repository.ts';
import { customerService } from '../customers/service.ts';
import { ApiError } from '../http/errors.ts';
import type { AC, AdminEnv } from './context.ts';
import { displayName } from './customer-form.ts';
import { customerNotFound } from './customer-routes.tsx';
import { portalLinkFlash } from './portal.ts';
import { setFlash } from './session.ts';

/** The API's refusals, said the back-office's way (in the merchant's language, with the reason). */
const refusals: Record<string, Partial<Record<'delete' | 'anonymize' | 'other', AdminKey>>> = {
  customer_has_active_subscription: { delete: 'refused_delete_active', anonymize: 'refused_anonymize_active' },
  customer_anonymized: { other: 'anonymized_readonly', delete: 'anonymized_readonly', anonymize: 'anonymized_readonly' },
};

type Action = (c: AC, customer: Customer) => Promise<{ key: AdminKey; vars?: Record<string, string>; secret?: string; secretLabel?: AdminKey; to?: string }>;

/**
 * A POST on a customer: each calls the very service the REST API calls (same checks, activity rows
 * and outbox events), then redirects with a flash message saying what happened or why not.
 */
function action(admin: Hono<AdminEnv>, path: string, kind: 'delete' | 'anonymize' | 'other', run: Action): void {
  admin.post(`/customers/:id/${path}`, async (c) => {
    const customer = await customerRepository(c.var.deps.db).byId(c.var.merchant.id, c.req.param('id'));
    if (!customer) return customerNotFound(c);
    const back = `/admin/customers/${customer.id}`;
    try {
      const done = await run(c, customer);
      await setFlash(c, { kind: 'ok', key: done.key, vars: done.vars, secret: done.secret, secretLabel: done.secretLabel });
      return c.redirect(done.to ?? back, 303);
    } catch (error) {
      const key = error instanceof ApiError ? refusals[error.code]?.[kind] : undefined;
      if (!key) throw error;
      await setFlash(c, { kind: 'error', key });
      return c.redirect(back, 303);
    }
  });
}

export function customerActionRoutes(admin: Hono<AdminEnv>): void {
  const service = (c: AC) => customerService(c.var.deps.db, c.var.deps.clock);

  action(admin, 'delete', 'delete', async (c, customer) => {
    await service(c).remove(c.var.merchant.id, customer.id);
    return { key: 'deleted', vars: { name: displayName(customer) }, to: '/admin/customers' };
  });

  action(admin, 'anonymize', 'anonymize', async (c, customer) => {
    await service(c).anonymize(c.var.merchant.id, customer.id);
    return { key: 'anonymized_done' };
  });

  // The help article's "sortir un client de la liste grise": the API's PATCH grey_listed=false.
  action(admin, 'grey-list/remove', 'other', async (c, customer) => {
    await service(c).update(c.var.merchant.id, customer.id, { grey_listed: false });
    return { key: 'grey_removed' };
  });

  action(admin, 'revoke-links', 'other', async (c, customer) => {
    await service(c).revokeLinks(c.var.merchant.id, customer.id);
    return { key: 'links_revoked' };
  });

  action(admin, 'portal-link', 'other', async (c, customer) => {
    const link = await portalLinkFlash(c.var.deps, c.var.merchant.id, customer, c.var.locale);
    return { key: 'portal_link_ready', vars: { name: displayName(customer), expires: link.expires }, secret: link.url, secretLabel: 'portal_link_choice' };
  });
}
