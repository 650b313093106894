import type { Locale } from '../../hosted-pages/i18n.ts';
import type { Customer } from '../customers/repository.ts';
import type { Statement } from '../db/port.ts';
import type { Deps } from '../deps.ts';
import type { Merchant } from '../merchants/repository.ts';
import { createPortalLink, LINK_TTL } from '../portal/links.ts';
import { emailStatement, formatDate } from './compose.ts';

/**
 * Emails that an action asks for, rather than an event: each returns the statement to put in the
 * same batch as the action (a crash leaves both or neither).
 */

/** "Email the portal link" (back-office): a 7-day signed link in the customer's language. */
export async function portalLinkEmail(deps: Deps, merchant: Merchant, customer: Customer): Promise<Statement | undefined> {
  if (!customer.email) return undefined;
  const link = await createPortalLink(deps, merchant.id, customer.id, { expiresIn: LINK_TTL.max, locale: customer.language });
  const name = [customer.firstName, customer.lastName].filter(Boolean).join(' ') || null;
  return emailStatement(deps, {
    merchant,
    customerId: customer.id,
    kind: 'portal_link',
    // Each request is its own cause: asking twice sends twice.
    sourceKey: `portal_link:${crypto.randomUUID()}`,
    to: customer.email,
    locale: customer.language,
    name,
    vars: { date: formatDate(link.expires_at, customer.language) },
    link: link.url,
  });
}

/** A team invitation: the invitation link (already single-use and expiring) to the invited address. */
export function invitationEmail(
  deps: Pick<Deps, 'config' | 'clock' | 'mailer'>,
  o: { merchant: Merchant; to: string; link: string; expiresAt: string; locale: Locale; tokenHash: string },
): Statement {
  return emailStatement(deps, {
    merchant: o.merchant,
    customerId: null,
    kind: 'team_invitation',
    sourceKey: `team_invitation:${o.tokenHash}`,
    to: o.to,
    locale: o.locale,
    name: null,
    vars: { date: formatDate(o.expiresAt, o.locale) },
    link: o.link,
  });
}
