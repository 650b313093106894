import type { Context, Hono } from 'hono';
import { badgeClass } from '../../hosted-pages/badge.ts';
import { answerChargeAction, awaitingAction } from '../billing/action.ts';
import { confirmStripeAction, stripeAction } from '../billing/stripe-action.ts';
import { collect } from '../billing/collect.ts';
import { vatByRate } from '../billing/totals.ts';
import { contextFor } from '../billing/run.ts';
import { renderPage } from '../checkout/render.ts';
import { customerRepository } from '../customers/repository.ts';
import type { AppEnv } from '../http/env.ts';
import { sign, verifySignature } from '../lib/secrets.ts';
import { type Merchant, merchantRepository } from '../merchants/repository.ts';
import { invoiceT, type InvoiceLocale } from './i18n.ts';
import { readInvoiceToken } from './links.ts';
import { type Invoice, invoiceRepository } from './repository.ts';

type C = Context<AppEnv>;

interface Loaded {
  invoice: Invoice;
  merchant: Merchant;
  locale: InvoiceLocale;
}

/** The invoice behind a token whose MAC checks out and whose customer has not revoked their links. */
export async function load(c: C): Promise<Loaded | undefined> {
  const { db } = c.var.deps;
  const claims = await readInvoiceToken(db, c.req.param('token') ?? '');
  if (!claims) return undefined;
  const row = await db.get<{ merchant_id: string }>('SELECT merchant_id FROM invoices WHERE id = ?', [claims.invoiceId]);
  const merchant = row && (await merchantRepository(db).byId(row.merchant_id));
  const invoice = merchant && (await invoiceRepository(db).byId(merchant.id, claims.invoiceId));
  if (!merchant || !invoice || invoice.status === 'draft') return undefined;
  const customer = await customerRepository(db).byId(merchant.id, invoice.customerId);
  if (!customer || customer.linkVersion !== claims.version || customer.status !== 'active') return undefined;
  const asked = c.req.query('locale');
  const locale: InvoiceLocale = asked === 'fr' || asked === 'en' ? asked : customer.language === 'fr' ? 'fr' : 'en';
  return { invoice, merchant, locale };
}

const money = (locale: InvoiceLocale, amount: number, currency: string): string =>
  new Intl.NumberFormat(locale === 'fr' ? 'fr-FR' : 'en-GB', { style: 'currency', currency }).format(amount / 10 ** (new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2));
const date = (locale: InvoiceLocale, iso: string): string => new Intl.DateTimeFormat(locale === 'fr' ? 'fr-FR' : 'en-GB', { dateStyle: 'long', timeZone: 'UTC' }).format(new Date(iso));

async function page(c: C, l: Loaded, status: 200 | 404 = 200): Promise<Response> {
  const t = invoiceT(l.locale);
  const inv = l.invoice;
  const ctx = await contextFor(c.var.deps, l.merchant);
  const now = ctx.clock();
  const csrf = await sign(c.var.deps.db, 'invoice-csrf', inv.id);
  const base = `/invoice/${c.req.param('token')}`;
  const done = c.req.query('done');
  const action = inv.status === 'open' && (await awaitingAction(ctx, inv.id));
  // With Stripe, Stripe.js completes the bank's challenge: loaded (and allowed by the CSP) only then.
  const stripe = action && l.merchant.gateway === 'stripe' ? await stripeAction(ctx, inv.id) : undefined;
  const auto = inv.collectionMethod === 'charge_automatically';
  // Lines are excluding VAT: the subtotal and each rate's VAT are shown so that they add up to the total.
  const vat = vatByRate(inv.lines);
  return renderPage(c, {
    locale: l.locale,
    title: `${t('title')} ${inv.number ?? ''}`,
    status,
    formTargets: [],
    stripe: stripe !== undefined,
    ...(stripe ? { hydrate: { bundle: 'invoice', props: { publishableKey: stripe.publishableKey, clientSecret: stripe.clientSecret, paymentMethod: stripe.paymentMethod } } } : {}),
    node: (
      <main>
        <section class="message" aria-labelledby="invoice-title">
          <p>{l.merchant.name}</p>
          <h1 id="invoice-title">
            {t('title')} {inv.number}
          </h1>
          <p class={badgeClass(inv.status)}>
            {t(inv.status)}
            {inv.status === 'open' && inv.dueDate && inv.dueDate < now.toISOString() ? ` · ${t('overdue')}` : ''}
          </p>
          {done === 'paid' || done === 'failed' || done === 'action' ? <p role="status">{t(`done_${done}`)}</p> : null}
          <table>
            <thead>
              <tr>
                <th scope="col">{t('description')}</th>
                <th scope="col">{t('period')}</th>
                <th scope="col">{t('amount')}</th>
              </tr>
            </thead>
            <tbody>
              {inv.lines.map((line) => (
                <tr key={line.description}>
                  <td>{line.description}</td>
                  <td>{line.periodStart && line.periodEnd ? `${date(l.locale, line.periodStart)} – ${date(l.locale, line.periodEnd)}` : ''}</td>
                  <td>{money(l.locale, line.amount, inv.currency)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {vat.length > 0 ? (
            <>
              <p>{t('subtotal')}: {money(l.locale, inv.subtotal, inv.currency)}</p>
              {vat.map((r) => (
                <p key={r.rate}>
                  {t('vat_at').replace('{rate}', r.rate.toLocaleString(l.locale))}: {money(l.locale, r.tax, inv.currency)}
                </p>
              ))}
            </>
          ) : null}
          <p>
            {t('total')}: <strong>{money(l.locale, inv.total, inv.currency)}</strong>
          </p>
          {inv.status === 'open' ? <p>{t('amount_due')}: {money(l.locale, inv.total - inv.amountPaid, inv.currency)}</p> : null}
          {inv.dueDate && inv.status === 'open' ? <p>{t('due_date')}: {date(l.locale, inv.dueDate)}</p> : null}
          {inv.paidAt ? <p>{t('paid_on')} {date(l.locale, inv.paidAt)}</p> : null}
          <p>
            <a href={`${base}/pdf`}>{t('download_pdf')}</a> · <a href={`${base}/print`}>{t('printable')}</a>
          </p>
          {stripe ? (
            <form method="post" action={`${base}/stripe?locale=${l.locale}`} id="stripe-action">
              <h2>{t('action_title')}</h2>
              <p>{t('stripe_action_body')}</p>
              <input type="hidden" name="csrf" value={csrf} />
              <input type="hidden" name="payment_intent" value={stripe.paymentIntent} />
              <p class="error" role="alert" id="stripe-error" hidden />
              <button type="submit" class="primary">{t('confirm_payment')}</button>
            </form>
          ) : action && l.merchant.gateway === 'stripe' ? (
            <p>{t('action_unavailable')}</p>
          ) : action ? (
            // Heading and text above, the two answers in a row of their own that wraps on a phone.
            <section aria-labelledby="action-title">
              <h2 id="action-title">{t('action_title')}</h2>
              <p>{t('action_body')}</p>
              <form method="post" action={`${base}/challenge?locale=${l.locale}`} class="choices">
                <input type="hidden" name="csrf" value={csrf} />
                <button type="submit" name="outcome" value="approved" class="primary">{t('approve')}</button>
                <button type="submit" name="outcome" value="failed" class="secondary">{t('fail')}</button>
              </form>
            </section>
          ) : inv.status === 'open' && auto ? (
            <form method="post" action={`${base}/pay?locale=${l.locale}`}>
              <p>{t('pay_hint')}</p>
              <input type="hidden" name="csrf" value={csrf} />
              <button type="submit" class="primary">{t('pay')}</button>
            </form>
          ) : null}
          {inv.status === 'open' && !auto ? <ManualPayment l={l} /> : null}
        </section>
      </main>
    ),
  });
}

/**
 * An invoice paid by hand (collection_method send_invoice): who to contact and by when. The business
 * profile holds no bank details, so the account's support address (else its name) is the way to pay.
 */
function ManualPayment({ l }: { l: Loaded }) {
  const t = invoiceT(l.locale);
  const support = l.merchant.brand.supportEmail;
  const [before, after] = t('manual_contact').replace('{date}', l.invoice.dueDate ? date(l.locale, l.invoice.dueDate) : '').split('{contact}');
  return (
    <section aria-labelledby="manual-title">
      <h2 id="manual-title">{t('manual_title')}</h2>
      <p>
        {before}
        {support ? <a href={`mailto:${support}`}>{support}</a> : l.merchant.name}
        {after}
      </p>
    </section>
  );
}

async function csrfOk(c: C, invoiceId: string): Promise<boolean> {
  const origin = c.req.header('Origin');
  if (origin && origin !== new URL(c.var.deps.config.publicUrl).origin && origin !== new URL(c.req.url).origin) return false;
  if (c.req.header('Sec-Fetch-Site') === 'cross-site') return false;
  const body = await c.req.parseBody();
  return verifySignature(c.var.deps.db, 'invoice-csrf', invoiceId, typeof body.csrf === 'string' ? body.csrf : '');
}

const notFoundPage = (c: C) => {
  const locale: InvoiceLocale = c.req.query('locale') === 'fr' ? 'fr' : 'en';
  return renderPage(c, { locale, title: invoiceT(locale)('not_found'), status: 404, node: <main><section class="message"><h1>{invoiceT(locale)('not_found')}</h1></section></main> });
};

/**
 * `/invoice/{token}`: the hosted invoice page (signed link in `hosted_invoice_url` and e-mails).
 * Shows the invoice; an open automatic one can be paid with the saved method, and a charge that
 * asked for authentication is completed here (test gateway: Porte's 3-D Secure stand-in).
 */
export function invoicePages(app: Hono<AppEnv>): void {
  app.get('/invoice/:token', async (c) => {
    // The token never leaves for another origin; `same-origin` rather than `no-referrer`, because
    // under no-referrer Chromium posts this page's forms with `Origin: null` and the CSRF check
    // (rightly) refuses them: "Pay" and "Approve" answered 403 in a real browser.
    c.header('Referrer-Policy', 'same-origin');
    const l = await load(c);
    return l ? page(c, l) : notFoundPage(c);
  });
  app.post('/invoice/:token/pay', async (c) => {
    const l = await load(c);
    if (!l) return notFoundPage(c);
    if (!(await csrfOk(c, l.invoice.id))) return c.text('Forbidden', 403);
    const ctx = await contextFor(c.var.deps, l.merchant);
    let done = 'failed';
    if (l.invoice.status === 'open' && l.invoice.collectionMethod === 'charge_automatically') {
      const outcome = await collect(ctx, l.invoice.id, { now: true });
      done = outcome === 'paid' ? 'paid' : outcome === 'action_required' ? 'action' : 'failed';
    }
    return c.redirect(`/invoice/${c.req.param('token')}?locale=${l.locale}&done=${done}`, 303);
  });
  // After Stripe.js: the server reads the PaymentIntent itself; the browser only names it.
  app.post('/invoice/:token/stripe', async (c) => {
    const l = await load(c);
    if (!l) return notFoundPage(c);
    if (!(await csrfOk(c, l.invoice.id))) return c.text('Forbidden', 403);
    const body = await c.req.parseBody();
    const outcome = await confirmStripeAction(await contextFor(c.var.deps, l.merchant), l.invoice.id, typeof body.payment_intent === 'string' ? body.payment_intent : '');
    const done = outcome === 'paid' ? 'paid' : outcome === 'action_required' ? 'action' : 'failed';
    return c.redirect(`/invoice/${c.req.param('token')}?locale=${l.locale}&done=${done}`, 303);
  });
  app.post('/invoice/:token/challenge', async (c) => {
    const l = await load(c);
    if (!l) return notFoundPage(c);
    if (!(await csrfOk(c, l.invoice.id))) return c.text('Forbidden', 403);
    const body = await c.req.parseBody();
    const ctx = await contextFor(c.var.deps, l.merchant);
    await answerChargeAction(ctx, l.invoice.id, body.outcome === 'approved');
    const after = await invoiceRepository(c.var.deps.db).byId(l.merchant.id, l.invoice.id);
    return c.redirect(`/invoice/${c.req.param('token')}?locale=${l.locale}&done=${after?.status === 'paid' ? 'paid' : 'failed'}`, 303);
  });
}
