import * as v from 'valibot';
import type { Database } from '../db/port.ts';
import { seal, unseal } from '../portal/token.ts';
import type { Invoice } from './repository.ts';
import { type InvoiceJson, toJson } from './schema.ts';

/**
 * Hosted invoice links (`/invoice/{token}`), signed like portal links: the token names the invoice
 * and the customer's link generation, so "revoke links" (or anonymizing) kills them too. They do not
 * expire: an invoice e-mailed months ago must still open (and, once paid, show its receipt).
 */
const PURPOSE = 'invoice';
const claims = v.strictObject({ i: v.pipe(v.string(), v.maxLength(64)), v: v.pipe(v.number(), v.integer()) });

/**
 * The link is a pure function of its inputs and the installation's secret, and the billing run asks
 * for the same one twice per renewal (invoice.finalized, then invoice.paid): the last few are kept,
 * per database, so the second costs no HMAC.
 */
const recentLinks = new WeakMap<Database, Map<string, string>>();
const RECENT_LINKS = 1000;

export async function hostedInvoiceUrl(db: Database, publicUrl: string, invoiceId: string, linkVersion: number): Promise<string> {
  const recent = recentLinks.get(db) ?? new Map<string, string>();
  recentLinks.set(db, recent);
  const key = `${publicUrl}\n${invoiceId}\n${linkVersion}`;
  const known = recent.get(key);
  if (known) return known;
  const url = `${publicUrl}/invoice/${await seal(db, PURPOSE, { i: invoiceId, v: linkVersion })}`;
  // Oldest first in a Map's order: drop it when full.
  if (recent.size >= RECENT_LINKS) recent.delete(recent.keys().next().value as string);
  recent.set(key, url);
  return url;
}

export async function readInvoiceToken(db: Database, token: string): Promise<{ invoiceId: string; version: number } | undefined> {
  const parsed = v.safeParse(claims, await unseal(db, PURPOSE, token));
  return parsed.success ? { invoiceId: parsed.output.i, version: parsed.output.v } : undefined;
}

/** The API's JSON for invoices, with their hosted links (one customer lookup per distinct customer). */
export async function invoicesJson(db: Database, publicUrl: string, invoices: Invoice[], now: Date): Promise<InvoiceJson[]> {
  const versions = new Map<string, number>();
  for (const id of new Set(invoices.map((i) => i.customerId))) {
    const row = await db.get<{ link_version: number }>('SELECT link_version FROM customers WHERE id = ?', [id]);
    versions.set(id, row?.link_version ?? 1);
  }
  return Promise.all(
    invoices.map(async (i) => toJson(i, await hostedInvoiceUrl(db, publicUrl, i.id, versions.get(i.customerId) ?? 1), now)),
  );
}

export async function invoiceJson(db: Database, publicUrl: string, invoice: Invoice, now: Date): Promise<InvoiceJson> {
  return (await invoicesJson(db, publicUrl, [invoice], now))[0] as InvoiceJson;
}
