import { activityStatement } from '../activity/repository.ts';
import type { Database, Statement } from '../db/port.ts';
import { sql, UniqueViolation } from '../db/port.ts';
import { eventStatement, guardedEventStatement } from '../events/outbox.ts';
import { conflict, notFound } from '../http/errors.ts';
import { newId, randomToken } from '../lib/ids.ts';
import { type Customer, customerRepository, liveSubscriptionGuard, toJson } from './repository.ts';
import type { CustomerCreate, CustomerUpdate } from './schema.ts';
import { catchUpSearchIndex } from './search-index.ts';

type Writable = Omit<CustomerCreate, 'reference'>;

const referenceTaken = () =>
  conflict('reference_taken', 'Another customer of this merchant already has this reference.', 'reference');

const refusedWhileLive = (action: string) =>
  conflict('customer_has_active_subscription', `This customer has an active subscription: cancel it before you ${action}.`);

/** Fields an update may change, applied over the current customer (undefined = unchanged, null = cleared). */
function applyWritable(c: Customer, input: Writable): Customer {
  return {
    ...c,
    email: input.email === undefined ? c.email : input.email,
    firstName: input.first_name === undefined ? c.firstName : input.first_name,
    lastName: input.last_name === undefined ? c.lastName : input.last_name,
    company: input.company === undefined ? c.company : input.company,
    language: input.language ?? c.language,
    billingAddress:
      input.billing_address === undefined
        ? c.billingAddress
        : input.billing_address && {
            line1: input.billing_address.line1 ?? null,
            line2: input.billing_address.line2 ?? null,
            postal_code: input.billing_address.postal_code ?? null,
            city: input.billing_address.city ?? null,
            region: input.billing_address.region ?? null,
            country: input.billing_address.country ?? null,
            phone: input.billing_address.phone ?? null,
            tax_id: input.billing_address.tax_id ?? null,
          },
    autoBilling: input.auto_billing ?? c.autoBilling,
    paymentMethod: input.payment_method ?? c.paymentMethod,
    metadata: input.metadata ?? c.metadata,
  };
}

/** The top-level fields whose JSON differs: Stripe-style `previous_attributes` for customer.updated. */
function changedFields(before: Customer, after: Customer): Record<string, unknown> {
  const a = toJson(before) as Record<string, unknown>;
  const b = toJson(after) as Record<string, unknown>;
  const previous: Record<string, unknown> = {};
  for (const key of Object.keys(b)) if (JSON.stringify(a[key]) !== JSON.stringify(b[key])) previous[key] = a[key];
  return previous;
}

export function customerService(db: Database, clock: () => Date) {
  const repo = customerRepository(db);

  const mustGet = async (merchantId: string, id: string): Promise<Customer> => {
    const customer = await repo.byId(merchantId, id);
    if (!customer) throw notFound('customer');
    return customer;
  };

  /** Builds a new customer row and the statements that create it, for use inside larger batches. */
  function prepareCreate(merchantId: string, input: CustomerCreate): { customer: Customer; statements: Statement[] } {
    const now = clock().toISOString();
    const customer = applyWritable(
      {
        seq: 0,
        id: newId('cus'),
        merchantId,
        reference: input.reference ?? `REF-${randomToken(10).toUpperCase()}`,
        email: null,
        firstName: null,
        lastName: null,
        company: null,
        language: 'en',
        billingAddress: null,
        autoBilling: false,
        paymentMethod: { type: 'none' },
        greyListed: false,
        status: 'active',
        metadata: {},
        linkVersion: 1,
        createdAt: now,
        updatedAt: now,
      },
      input,
    );
    const json = toJson(customer);
    return {
      customer,
      statements: [
        repo.insert(customer),
        activityStatement(merchantId, customer.id, 'customer.created', {}, now),
        eventStatement(merchantId, 'customer.created', json, now),
      ],
    };
  }

  async function create(merchantId: string, input: CustomerCreate): Promise<Customer> {
    const { customer, statements } = prepareCreate(merchantId, input);
    try {
      await db.batch(statements);
    } catch (error) {
      if (error instanceof UniqueViolation) throw referenceTaken();
      throw error;
    }
    return customer;
  }

  async function update(merchantId: string, id: string, input: CustomerUpdate): Promise<Customer> {
    const before = await mustGet(merchantId, id);
    if (before.status === 'anonymized') throw conflict('customer_anonymized', 'This customer was anonymized and can no longer be changed.');
    const now = clock().toISOString();
    const after: Customer = {
      ...applyWritable(before, input),
      reference: input.reference ?? before.reference,
      greyListed: input.grey_listed ?? before.greyListed,
      updatedAt: now,
    };
    const previous = changedFields(before, after);
    if (Object.keys(previous).length === 0) return before;
    const statements = [repo.update(after)];
    const json = toJson(after);
    if (before.greyListed && !after.greyListed) {
      statements.push(activityStatement(merchantId, id, 'customer.grey_list_removed', {}, now));
    } else if (!before.greyListed && after.greyListed) {
      statements.push(activityStatement(merchantId, id, 'customer.grey_listed', { by: 'merchant' }, now));
      statements.push(eventStatement(merchantId, 'customer.grey_listed', json, now));
    }
    statements.push(activityStatement(merchantId, id, 'customer.updated', { fields: Object.keys(previous) }, now));
    statements.push(eventStatement(merchantId, 'customer.updated', { object: json, previous_attributes: previous }, now));
    try {
      await db.batch(statements);
    } catch (error) {
      if (error instanceof UniqueViolation) throw referenceTaken();
      throw error;
    }
    return after;
  }

  async function remove(merchantId: string, id: string): Promise<Customer> {
    const customer = await mustGet(merchantId, id);
    if (await repo.hasLiveSubscription(id)) throw refusedWhileLive('delete it');
    const now = clock().toISOString();
    const live = liveSubscriptionGuard(id);
    // The guard is re-checked inside the batch, so a subscription created meanwhile still wins.
    const [deleted] = await db.batch([
      repo.delete(merchantId, id, sql(`NOT EXISTS (${live.sql})`, ...live.params)),
      sql('DELETE FROM activity WHERE customer_id = ? AND NOT EXISTS (SELECT 1 FROM customers WHERE id = ?)', id, id),
      guardedEventStatement(merchantId, 'customer.deleted', toJson(customer), now, sql('NOT EXISTS (SELECT 1 FROM customers WHERE id = ?)', id)),
    ]);
    if (!deleted || deleted.changes === 0) throw refusedWhileLive('delete it');
    return customer;
  }

  async function anonymize(merchantId: string, id: string): Promise<Customer> {
    const before = await mustGet(merchantId, id);
    if (before.status === 'anonymized') return before;
    if (await repo.hasLiveSubscription(id)) throw refusedWhileLive('anonymize it');
    const now = clock().toISOString();
    const country = before.billingAddress?.country ?? null;
    // GDPR erasure: every personal field goes; the country stays for tax and statistics.
    const after: Customer = {
      ...before,
      email: null,
      firstName: null,
      lastName: null,
      company: null,
      billingAddress: country
        ? { line1: null, line2: null, postal_code: null, city: null, region: null, country, phone: null, tax_id: null }
        : null,
      paymentMethod: { type: 'none' },
      metadata: {},
      status: 'anonymized',
      linkVersion: before.linkVersion + 1,
      updatedAt: now,
    };
    const live = liveSubscriptionGuard(id);
    const anonymizedGuard = sql("EXISTS (SELECT 1 FROM customers WHERE id = ? AND status = 'anonymized')", id);
    const [updated] = await db.batch([
      repo.update(after, sql(`NOT EXISTS (${live.sql})`, ...live.params)),
      sql(
        `INSERT INTO activity (merchant_id, customer_id, type, data, created_at) SELECT ?, ?, 'customer.anonymized', '{}', ? WHERE ${anonymizedGuard.sql}`,
        merchantId, id, now, ...anonymizedGuard.params,
      ),
      guardedEventStatement(merchantId, 'customer.anonymized', toJson(after), now, anonymizedGuard),
    ]);
    if (!updated || updated.changes === 0) throw refusedWhileLive('anonymize it');
    return after;
  }

  /** Invalidates every portal link given so far (ProAbono's "revoke encrypted links"). */
  async function revokeLinks(merchantId: string, id: string): Promise<Customer> {
    const before = await mustGet(merchantId, id);
    const now = clock().toISOString();
    const after = { ...before, linkVersion: before.linkVersion + 1, updatedAt: now };
    await db.batch([
      sql('UPDATE customers SET link_version = link_version + 1, updated_at = ? WHERE merchant_id = ? AND id = ?', now, merchantId, id),
      activityStatement(merchantId, id, 'customer.links_revoked', {}, now),
    ]);
    return after;
  }

  async function upsertByReference(merchantId: string, reference: string, input: Writable): Promise<{ customer: Customer; created: boolean }> {
    const existing = await repo.byReference(merchantId, reference);
    if (existing) return { customer: await update(merchantId, existing.id, input), created: false };
    try {
      return { customer: await create(merchantId, { ...input, reference }), created: true };
    } catch (error) {
      // Two upserts raced to create it: the loser updates what the winner made.
      const winner = await repo.byReference(merchantId, reference);
      if (!winner) throw error;
      return { customer: await update(merchantId, winner.id, input), created: false };
    }
  }

  /** A search first indexes the customers written since the search loop last ran (search-index.ts). */
  async function list(merchantId: string, opts: Parameters<typeof repo.list>[1]): Promise<Customer[]> {
    if (opts.query) await catchUpSearchIndex(db);
    return repo.list(merchantId, opts);
  }

  return { get: mustGet, list, byReference: repo.byReference, prepareCreate, create, update, remove, anonymize, revokeLinks, upsertByReference };
}

export type CustomerService = ReturnType<typeof customerService>;
