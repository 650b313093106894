import type { Hono } from 'hono';
import { CustomerEmails, EmailDetail, EmailList, type EmailRowView, emailTranslator } from '../../hosted-pages/admin/EmailPages.tsx';
import { type Customer, customerRepository } from '../customers/repository.ts';
import { attachmentsFor } from '../email/attachments.ts';
import { portalLinkEmail } from '../email/explicit.ts';
import { emailRepository, type StoredEmail } from '../email/repository.ts';
import type { AC, AdminEnv } from './context.ts';
import { customerNotFound } from './customer-routes.tsx';
import { formatDateTime } from './format.ts';
import { message, page } from './render.tsx';
import { setFlash } from './session.ts';

const PAGE = 50;

const rowView = (c: AC, e: StoredEmail): EmailRowView => ({ id: e.id, date: formatDateTime(c.var.locale, e.createdAt), to: e.to, subject: e.subject, status: e.status });

/** The customer page's "Emails" section (the "Email the portal link" button and this customer's emails). */
export async function customerEmailsSection(c: AC, customer: Customer) {
  const rows = await emailRepository(c.var.deps.db).list(c.var.merchant.id, { limit: 20, customerId: customer.id });
  return (
    <CustomerEmails
      t={emailTranslator(c.var.locale)}
      csrf={c.var.session.csrfToken}
      customerId={customer.id}
      rows={rows.map((e) => rowView(c, e))}
      canEmail={customer.status === 'active' && customer.email !== null}
    />
  );
}

export function emailRoutes(admin: Hono<AdminEnv>): void {
  admin.get('/emails', async (c) => {
    const t = emailTranslator(c.var.locale);
    const before = Number(c.req.query('before'));
    const rows = await emailRepository(c.var.deps.db).list(c.var.merchant.id, { limit: PAGE + 1, beforeSeq: Number.isInteger(before) && before > 0 ? before : undefined });
    const shown = rows.slice(0, PAGE);
    const older = rows.length > PAGE ? `/admin/emails?before=${shown.at(-1)?.seq}` : undefined;
    return page(c, { title: t('emails_title'), nav: 'emails', body: <EmailList t={t} rows={shown.map((e) => rowView(c, e))} older={older} /> });
  });

  admin.get('/emails/:id', async (c) => {
    const email = await emailRepository(c.var.deps.db).byId(c.var.merchant.id, c.req.param('id'));
    if (!email) return message(c, 'not_found_title', 'not_found_body', 404, { href: '/admin/emails', label: 'back_to_list' });
    const t = emailTranslator(c.var.locale);
    const files = await attachmentsFor(c.var.deps, { id: email.id, merchantId: c.var.merchant.id, kind: email.kind, data: email.data });
    const view = {
      id: email.id,
      from: email.from,
      to: email.to,
      replyTo: email.replyTo,
      messageId: email.messageId,
      status: email.status,
      date: formatDateTime(c.var.locale, email.createdAt),
      sentAt: email.sentAt && formatDateTime(c.var.locale, email.sentAt),
      attempts: email.attempts,
      lastError: email.lastError,
      text: email.text,
      attachments: files.map((f) => ({ filename: f.filename, contentType: f.contentType, size: f.content.byteLength })),
    };
    const res = await page(c, { title: t('email_title', { subject: email.subject }), nav: 'emails', body: <EmailDetail t={t} view={view} /> });
    // The one change to the back-office's policy: this page may frame its own email preview.
    res.headers.set('Content-Security-Policy', (res.headers.get('Content-Security-Policy') ?? '').replace("frame-src 'none'", "frame-src 'self'"));
    return res;
  });

  // The email's HTML alone, for the preview frame: no script at all (CSP and sandbox), inline
  // styles and images only, framed only by the back-office itself.
  admin.get('/emails/:id/html', async (c) => {
    const email = await emailRepository(c.var.deps.db).byId(c.var.merchant.id, c.req.param('id'));
    if (!email) return c.text('Not found', 404);
    c.header('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; img-src https: data:; sandbox; frame-ancestors 'self'; base-uri 'none'; form-action 'none'");
    c.header('X-Frame-Options', 'SAMEORIGIN');
    c.header('Cache-Control', 'no-store');
    c.header('X-Content-Type-Options', 'nosniff');
    return c.html(email.html);
  });

  admin.post('/customers/:id/email-portal-link', async (c) => {
    const { deps, merchant } = c.var;
    const customer = await customerRepository(deps.db).byId(merchant.id, c.req.param('id'));
    if (!customer) return customerNotFound(c);
    const back = `/admin/customers/${customer.id}`;
    if (customer.status !== 'active') {
      await setFlash(c, { kind: 'error', key: 'anonymized_readonly' });
      return c.redirect(back, 303);
    }
    const statement = await portalLinkEmail(deps, merchant, customer);
    if (!statement || !customer.email) {
      await setFlash(c, { kind: 'error', key: 'no_email_address' });
      return c.redirect(back, 303);
    }
    await deps.db.batch([statement]);
    const sends = merchant.mode === 'live' && deps.mailer !== undefined;
    await setFlash(c, { kind: 'ok', key: sends ? 'portal_link_emailed' : 'portal_link_stored', vars: { email: customer.email } });
    return c.redirect(back, 303);
  });
}
