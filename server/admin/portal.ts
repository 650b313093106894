import type { AdminLocale } from '../../hosted-pages/admin/i18n.ts';
import type { Deps } from '../deps.ts';
import { createPortalLink } from '../portal/links.ts';
import { formatDateTime } from './format.ts';

/** The back-office's portal links: made by the portal's own function, in the customer's language. */
export async function portalLinkFlash(deps: Deps, merchantId: string, customer: { id: string; language: AdminLocale }, uiLocale: AdminLocale) {
  const link = await createPortalLink(deps, merchantId, customer.id, { locale: customer.language });
  return { url: link.url, expires: formatDateTime(uiLocale, link.expires_at) };
}
