import * as v from 'valibot';
import type { Locale } from '../../hosted-pages/i18n.ts';
import { type Customer, customerRepository } from '../customers/repository.ts';
import type { Deps } from '../deps.ts';
import { conflict, invalid, notFound } from '../http/errors.ts';
import { type Merchant, merchantRepository } from '../merchants/repository.ts';
import { seal, unseal } from './token.ts';

/**
 * Portal links: `${publicUrl}/portal/{token}`, the token carrying who (customer, merchant), which
 * generation of links (the customer's `link_version`), until when, and in which language. Nothing
 * is stored: revoking bumps `link_version` (revoke_links, anonymize) and every older token fails.
 */
export const LINK_TTL = { min: 300, max: 604_800, default: 86_400 } as const;

export interface PortalLinkOptions {
  /** Seconds, 300 to 604800 (7 days); 86400 by default. */
  expiresIn?: number;
  locale?: Locale;
}

export interface PortalLink {
  object: 'portal_link';
  url: string;
  expires_at: string;
}

export interface LinkClaims {
  customerId: string;
  merchantId: string;
  version: number;
  /** Unix seconds. */
  expiresAt: number;
  locale: Locale | null;
}

const PURPOSE = 'portal';

/** Short keys: the token is a URL that people copy and paste. */
const claimsSchema = v.strictObject({
  c: v.pipe(v.string(), v.maxLength(64)),
  m: v.pipe(v.string(), v.maxLength(64)),
  v: v.pipe(v.number(), v.integer()),
  e: v.pipe(v.number(), v.integer()),
  l: v.optional(v.picklist(['en', 'fr'])),
});

export const portalUrl = (publicUrl: string, token: string): string => `${publicUrl}/portal/${token}`;

export async function issueToken(deps: Deps, claims: LinkClaims): Promise<string> {
  return seal(deps.db, PURPOSE, { c: claims.customerId, m: claims.merchantId, v: claims.version, e: claims.expiresAt, ...(claims.locale ? { l: claims.locale } : {}) });
}

/** The claims of a token whose MAC checks out (expired or not), or undefined for anything forged. */
export async function readToken(deps: Deps, token: string): Promise<LinkClaims | undefined> {
  const parsed = v.safeParse(claimsSchema, await unseal(deps.db, PURPOSE, token));
  if (!parsed.success) return undefined;
  const { c, m, v: version, e, l } = parsed.output;
  return { customerId: c, merchantId: m, version, expiresAt: e, locale: l ?? null };
}

/**
 * Creates a portal link for a customer of this merchant (the API's POST …/portal_links and the
 * back-office's "copy portal link"). Throws ApiErrors: 404 for an unknown customer (or another
 * merchant's), 409 for an anonymized one, 400 for an out-of-range `expiresIn`.
 */
export async function createPortalLink(deps: Deps, merchantId: string, customerId: string, opts: PortalLinkOptions = {}): Promise<PortalLink> {
  const expiresIn = opts.expiresIn ?? LINK_TTL.default;
  if (!Number.isInteger(expiresIn) || expiresIn < LINK_TTL.min || expiresIn > LINK_TTL.max) {
    throw invalid('expires_in', `expires_in must be a whole number of seconds from ${LINK_TTL.min} to ${LINK_TTL.max}.`);
  }
  const customer = await customerRepository(deps.db).byId(merchantId, customerId);
  if (!customer) throw notFound('customer');
  if (customer.status === 'anonymized') {
    throw conflict('customer_anonymized', 'This customer was anonymized: it has no portal any more.');
  }
  // Whole seconds, so that expires_at is exactly the instant the token stops working.
  const expiresAt = Math.floor(deps.clock().getTime() / 1000) + expiresIn;
  const token = await issueToken(deps, { customerId, merchantId, version: customer.linkVersion, expiresAt, locale: opts.locale ?? null });
  return { object: 'portal_link', url: portalUrl(deps.config.publicUrl, token), expires_at: new Date(expiresAt * 1000).toISOString() };
}

export type Resolution =
  | { kind: 'ok'; claims: LinkClaims; customer: Customer; merchant: Merchant }
  | { kind: 'expired'; claims: LinkClaims }
  /** Forged, truncated, revoked, anonymized or deleted: one answer for all, revealing nothing. */
  | { kind: 'forbidden'; claims: LinkClaims | null };

export async function resolvePortalToken(deps: Deps, token: string): Promise<Resolution> {
  const claims = await readToken(deps, token);
  if (!claims) return { kind: 'forbidden', claims: null };
  if (claims.expiresAt * 1000 <= deps.clock().getTime()) return { kind: 'expired', claims };
  const customer = await customerRepository(deps.db).byId(claims.merchantId, claims.customerId);
  if (customer?.status !== 'active' || customer.linkVersion !== claims.version) return { kind: 'forbidden', claims };
  const merchant = await merchantRepository(deps.db).byId(claims.merchantId);
  if (!merchant) return { kind: 'forbidden', claims };
  return { kind: 'ok', claims, customer, merchant };
}
