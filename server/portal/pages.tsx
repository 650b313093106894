import type { Hono } from 'hono';
import type { PortalMessage } from '../../hosted-pages/portal/i18n.ts';
import type { BillingAddress } from '../customers/schema.ts';
import type { AppEnv } from '../http/env.ts';
import { isCountryCode } from '../lib/countries.ts';
import { checkTaxId } from '../tax/vat-number.ts';
import { saveBillingAddress } from './changes.ts';
import { clientIp, csrfOk, openPortal, portalHref, portalMessage, readForm } from './context.tsx';
import { portalInvoicePages } from './invoices.ts';
import { submitPayment } from './payment.ts';
import { done, renderPortal, respondPayment } from './respond.tsx';
import { type AddressForm, addressFields, addressFormSchema, paymentFormSchema } from './schema.ts';
import { cancelPages, challengePages } from './steps.tsx';

/** Required: line1, postal code, city, country (as at checkout). Phone: the API's characters only. */
function validateAddress(form: AddressForm): { address: BillingAddress; errors: Partial<Record<string, PortalMessage>> } {
  const errors: Partial<Record<string, PortalMessage>> = {};
  for (const f of ['line1', 'postal_code', 'city', 'country'] as const) if (!form[f]) errors[f] = 'required';
  const country = form.country.toUpperCase();
  if (form.country && !isCountryCode(country)) errors.country = 'country_invalid';
  if (form.phone && !/^[0-9+().\s-]*$/.test(form.phone)) errors.phone = 'phone_invalid';
  const address = Object.fromEntries(addressFields.map((f) => [f, form[f] || null])) as BillingAddress;
  // The API's rule (server/customers/schema.ts): an EU VAT number must be valid for the country, and is saved normalised.
  const tax = form.tax_id ? checkTaxId(form.tax_id, country || null) : null;
  if (tax && !tax.ok) errors.tax_id = 'tax_id_invalid';
  return { address: { ...address, country: country || null, tax_id: tax?.ok ? tax.value : address.tax_id }, errors };
}

/** The customer portal: GET /portal/{token} and its forms. Registered by createApp. */
export function portalPages(app: Hono<AppEnv>): void {
  app.get('/portal/:token', async (c) => {
    const p = await openPortal(c);
    return p instanceof Response ? p : renderPortal(c, p);
  });

  app.post('/portal/:token/payment_method', async (c) => {
    const p = await openPortal(c);
    if (p instanceof Response) return p;
    const { output, errors, raw } = await readForm(c, paymentFormSchema);
    if (!(await csrfOk(c, p, 'payment', raw.csrf ?? ''))) return portalMessage(c, p.locale, 'link_invalid_title', 'link_invalid_body', 403);
    const paymentType = raw.payment_type === 'sepa_debit' ? 'sepa_debit' : 'card';
    if (!output) return respondPayment(c, p, { kind: 'invalid', errors, formError: 'fix_errors' }, paymentType);
    return respondPayment(c, p, await submitPayment({ deps: c.var.deps, portal: p, ip: clientIp(c) }, output), paymentType);
  });

  // Stripe's return_url after an off-site step, or a reload of the form's address: show the portal.
  app.get('/portal/:token/payment_method', async (c) => {
    const p = await openPortal(c);
    return p instanceof Response ? p : c.redirect(portalHref(p), 303);
  });

  app.post('/portal/:token/billing_address', async (c) => {
    const p = await openPortal(c);
    if (p instanceof Response) return p;
    const { output, errors, raw } = await readForm(c, addressFormSchema);
    if (!(await csrfOk(c, p, 'address', raw.csrf ?? ''))) return portalMessage(c, p.locale, 'link_invalid_title', 'link_invalid_body', 403);
    const { csrf: _csrf, ...typed } = raw;
    const checked = output ? validateAddress(output) : { address: null, errors };
    if (!checked.address || Object.keys(checked.errors).length > 0) {
      return renderPortal(c, p, { address: { values: typed, errors: checked.errors, formError: 'fix_errors' }, status: 422 });
    }
    if (!(await saveBillingAddress(c.var.deps, p.customer, checked.address))) return portalMessage(c, p.locale, 'link_invalid_title', 'link_invalid_body', 403);
    return done(c, p, 'billing_address');
  });

  cancelPages(app);
  challengePages(app);
  portalInvoicePages(app);
}
