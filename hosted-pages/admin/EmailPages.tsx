import type { AdminLocale } from './i18n.ts';
import { Csrf } from './ui.tsx';

/**
 * The back-office's emails: the list, one email (headers, the HTML in a sandboxed frame, the text
 * part, attachments) and the customer page's section. Their strings live here, in both languages,
 * so that this screen stays in its own files.
 */
const en = {
  emails_title: 'Emails',
  emails_intro: 'Every email Porte wrote for this business, newest first. In test mode, or without an SMTP server, emails are kept here and never sent.',
  no_emails: 'No email yet.',
  col_date: 'Date',
  col_to: 'To',
  col_subject: 'Subject',
  col_status: 'Status',
  status_pending: 'Queued',
  status_sent: 'Sent',
  status_stored: 'Kept, not sent',
  status_failed: 'Failed',
  older: 'Older emails',
  email_title: 'Email: {subject}',
  from: 'From',
  to: 'To',
  reply_to: 'Reply to',
  message_id: 'Message-ID',
  attempts: 'Attempts',
  last_error: 'Last error',
  sent_at: 'Sent',
  html_part: 'HTML version',
  html_frame: 'The email as the customer sees it',
  text_part: 'Plain-text version',
  attachments: 'Attachments',
  no_attachments: 'None.',
  customer_emails: 'Emails',
  email_portal_link: 'Email the portal link',
  email_portal_help: 'Sends the customer a personal link to the portal, valid 7 days, in their language.',
  all_emails: 'All emails',
} as const;

type Key = keyof typeof en;

const fr: Record<Key, string> = {
  emails_title: 'E-mails',
  emails_intro: "Tous les e-mails écrits par Porte pour cette entreprise, du plus récent au plus ancien. En mode test, ou sans serveur SMTP, ils sont conservés ici et jamais envoyés.",
  no_emails: "Aucun e-mail pour l'instant.",
  col_date: 'Date',
  col_to: 'Destinataire',
  col_subject: 'Objet',
  col_status: 'État',
  status_pending: 'En attente',
  status_sent: 'Envoyé',
  status_stored: 'Conservé, non envoyé',
  status_failed: 'Échec',
  older: 'E-mails plus anciens',
  email_title: 'E-mail : {subject}',
  from: 'De',
  to: 'À',
  reply_to: 'Répondre à',
  message_id: 'Message-ID',
  attempts: 'Tentatives',
  last_error: 'Dernière erreur',
  sent_at: 'Envoyé',
  html_part: 'Version HTML',
  html_frame: "L'e-mail tel que le client le voit",
  text_part: 'Version texte',
  attachments: 'Pièces jointes',
  no_attachments: 'Aucune.',
  customer_emails: 'E-mails',
  email_portal_link: 'Envoyer le lien du portail par e-mail',
  email_portal_help: 'Envoie au client un lien personnel vers son espace, valable 7 jours, dans sa langue.',
  all_emails: 'Tous les e-mails',
};

export type EmailT = (key: Key, vars?: Record<string, string>) => string;
export function emailTranslator(locale: AdminLocale): EmailT {
  const dict: Record<Key, string> = locale === 'fr' ? fr : en;
  return (key, vars) => Object.entries(vars ?? {}).reduce((text, [k, v]) => text.replaceAll(`{${k}}`, v), dict[key]);
}

export interface EmailRowView {
  id: string;
  date: string;
  to: string;
  subject: string;
  status: 'pending' | 'sent' | 'stored' | 'failed';
}

const statusKey = (s: EmailRowView['status']): Key => `status_${s}`;

export function EmailTable({ t, rows }: { t: EmailT; rows: EmailRowView[] }) {
  if (rows.length === 0) return <p class="empty">{t('no_emails')}</p>;
  return (
    <table class="stack">
      <thead>
        <tr>
          <th scope="col">{t('col_date')}</th>
          <th scope="col">{t('col_to')}</th>
          <th scope="col">{t('col_subject')}</th>
          <th scope="col">{t('col_status')}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.id}>
            <td>{r.date}</td>
            <td>{r.to}</td>
            <td>
              <a href={`/admin/emails/${r.id}`}>{r.subject}</a>
            </td>
            <td>{t(statusKey(r.status))}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function EmailList({ t, rows, older }: { t: EmailT; rows: EmailRowView[]; older?: string }) {
  return (
    <section class="card">
      <p class="small">{t('emails_intro')}</p>
      <EmailTable t={t} rows={rows} />
      {older && <a href={older}>{t('older')}</a>}
    </section>
  );
}

export interface EmailView {
  id: string;
  from: string;
  to: string;
  replyTo: string | null;
  messageId: string;
  status: EmailRowView['status'];
  date: string;
  sentAt: string | null;
  attempts: number;
  lastError: string | null;
  text: string;
  attachments: { filename: string; contentType: string; size: number }[];
}

export function EmailDetail({ t, view }: { t: EmailT; view: EmailView }) {
  const rows: [Key, string | null][] = [
    ['from', view.from],
    ['to', view.to],
    ['reply_to', view.replyTo],
    ['col_date', view.date],
    ['col_status', t(statusKey(view.status))],
    ['sent_at', view.sentAt],
    ['attempts', String(view.attempts)],
    ['last_error', view.lastError],
    ['message_id', view.messageId],
  ];
  return (
    <>
      <section class="card">
        <dl>
          {rows
            .filter((r): r is [Key, string] => r[1] !== null)
            .map(([k, v]) => (
              <div key={k}>
                <dt>{t(k)}</dt>
                <dd>{v}</dd>
              </div>
            ))}
        </dl>
      </section>
      <section class="card" aria-labelledby="h-html">
        <h2 id="h-html">{t('html_part')}</h2>
        {/* No script, no same-origin, no forms: the email's HTML can do nothing but show itself. */}
        <iframe sandbox="" src={`/admin/emails/${view.id}/html`} title={t('html_frame')} width="100%" height="600" loading="lazy" />
      </section>
      <section class="card" aria-labelledby="h-text">
        <h2 id="h-text">{t('text_part')}</h2>
        <pre class="email-text">{view.text}</pre>
      </section>
      <section class="card" aria-labelledby="h-attachments">
        <h2 id="h-attachments">{t('attachments')}</h2>
        {view.attachments.length === 0 ? (
          <p>{t('no_attachments')}</p>
        ) : (
          <ul>
            {view.attachments.map((a) => (
              <li key={a.filename}>
                {a.filename} ({a.contentType}, {a.size} B)
              </li>
            ))}
          </ul>
        )}
      </section>
    </>
  );
}

/** The customer page's section: the button, and this customer's emails. */
export function CustomerEmails({ t, csrf, customerId, rows, canEmail }: { t: EmailT; csrf: string; customerId: string; rows: EmailRowView[]; canEmail: boolean }) {
  return (
    <section class="card" aria-labelledby="h-emails">
      <h2 id="h-emails">{t('customer_emails')}</h2>
      {canEmail && (
        <form method="post" action={`/admin/customers/${customerId}/email-portal-link`}>
          <Csrf value={csrf} />
          <button type="submit" class="secondary" aria-describedby="email-portal-help">{t('email_portal_link')}</button>
          <p class="hint" id="email-portal-help">{t('email_portal_help')}</p>
        </form>
      )}
      <EmailTable t={t} rows={rows} />
    </section>
  );
}
