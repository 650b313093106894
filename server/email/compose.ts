import type { Locale } from '../../hosted-pages/i18n.ts';
import type { Statement } from '../db/port.ts';
import { sql } from '../db/port.ts';
import type { Deps } from '../deps.ts';
import { newId } from '../lib/ids.ts';
import type { Merchant } from '../merchants/repository.ts';
import { branding } from './branding.ts';
import type { EmailKind } from './messages.ts';
import { renderEmail } from './render.tsx';

/** Everything an email row is made from; rendered once, when the row is written. */
export interface EmailDraft {
  merchant: Merchant;
  customerId: string | null;
  kind: EmailKind;
  /** What caused it: the same key never gives a second email for the same merchant. */
  sourceKey: string;
  to: string;
  locale: Locale;
  name: string | null;
  vars: Record<string, string>;
  link: string;
  /** Read by the attachment hook (attachments.ts), e.g. `{ invoice: "in_…" }`. */
  data?: Record<string, string>;
}

const hostOf = (publicUrl: string): string => {
  try {
    return new URL(publicUrl).hostname || 'porte.invalid';
  } catch {
    return 'porte.invalid';
  }
};

/** `"Trading name" <no-reply@host>`: the display name stripped of what could break the header. */
export function fromAddress(config: Deps['config'], merchant: Merchant): string {
  const address = config.emailFrom ?? `no-reply@${hostOf(config.publicUrl)}`;
  const name = branding(merchant, config.publicUrl).name.replace(/["\\\r\n<>]/g, '').trim();
  return name ? `"${name}" <${address}>` : address;
}

/**
 * The INSERT for one email. Test-mode merchants and installs without a mail transport get a
 * `stored` row: nothing leaves the machine, the back-office shows it. Otherwise `pending`, due now.
 * INSERT OR IGNORE on (merchant, source_key): a cause seen twice (two runners, two events for the
 * same subscription) gives one email.
 */
export function emailStatement(deps: Pick<Deps, 'config' | 'clock' | 'mailer'>, draft: EmailDraft): Statement {
  const id = newId('eml');
  const brand = branding(draft.merchant, deps.config.publicUrl);
  const rendered = renderEmail({ kind: draft.kind, locale: draft.locale, brand, name: draft.name, vars: draft.vars, link: draft.link });
  const now = deps.clock().toISOString();
  const status = draft.merchant.mode === 'test' || !deps.mailer ? 'stored' : 'pending';
  return sql(
    `INSERT OR IGNORE INTO emails (id, merchant_id, customer_id, kind, source_key, locale, from_address, reply_to, to_address,
       subject, html, text, message_id, data, status, next_attempt_at, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    id, draft.merchant.id, draft.customerId, draft.kind, draft.sourceKey, draft.locale, fromAddress(deps.config, draft.merchant),
    brand.supportEmail, draft.to, rendered.subject, rendered.html, rendered.text, `<${id}@${hostOf(deps.config.publicUrl)}>`,
    JSON.stringify(draft.data ?? {}), status, now, now,
  );
}

export const formatDate = (iso: string, locale: Locale): string =>
  new Intl.DateTimeFormat(locale === 'fr' ? 'fr-FR' : 'en-GB', { dateStyle: 'long', timeZone: 'UTC' }).format(new Date(iso));
