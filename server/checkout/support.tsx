import type { Translate } from '../../hosted-pages/i18n.ts';
import { MessagePage } from '../../hosted-pages/MessagePage.tsx';
import type { Merchant } from '../merchants/repository.ts';

/** How a customer reaches the merchant: shown where Porte cannot help them itself (restricted form). */
export interface SupportContact {
  email: string | null;
  url: string | null;
}

/**
 * The merchant's support contact, from the business profile when the merchant carries one
 * (`supportEmail`/`supportUrl`, added with accounts). Without one, pages keep their generic text.
 */
export function supportContact(merchant: Merchant & { supportEmail?: string | null; supportUrl?: string | null }): SupportContact | null {
  const email = merchant.supportEmail?.trim() || null;
  // Only web links: a stored `javascript:` URL must never become a clickable link.
  const url = merchant.supportUrl && /^https?:\/\//i.test(merchant.supportUrl) ? merchant.supportUrl : null;
  return email || url ? { email, url } : null;
}

/** The grey list's "restricted" page: says what happened and whom to ask. */
export function RestrictedPage({ t, merchantName, contact }: { t: Translate; merchantName: string; contact: SupportContact | null }) {
  return MessagePage({
    title: t('restricted_title'),
    body: t(contact ? 'restricted_body_contact' : 'restricted_body', { merchant: merchantName }),
    children: contact ? (
      <p class="support">
        {contact.email ? <a href={`mailto:${contact.email}`}>{contact.email}</a> : null}
        {contact.email && contact.url ? ' · ' : null}
        {contact.url ? (
          <a href={contact.url} target="_top" rel="noopener">
            {contact.url}
          </a>
        ) : null}
      </p>
    ) : undefined,
  });
}
