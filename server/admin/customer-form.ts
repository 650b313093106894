import * as v from 'valibot';
import type { AdminKey } from '../../hosted-pages/admin/i18n.ts';
import type { Errors } from '../../hosted-pages/admin/ui.tsx';
import type { Customer } from '../customers/repository.ts';
import { type CustomerCreate, type CustomerUpdate, customerCreateSchema, customerUpdateSchema, manualPaymentTypes } from '../customers/schema.ts';
import type { Form } from './context.ts';

/** Every text field of the customer form, in the order of the page. */
export const customerFields = [
  'first_name', 'last_name', 'company', 'reference', 'email', 'language',
  'line1', 'line2', 'postal_code', 'city', 'region', 'country', 'phone', 'tax_id',
] as const;
const addressFields = ['line1', 'line2', 'postal_code', 'city', 'region', 'country', 'phone', 'tax_id'] as const;

export const manualMethods = manualPaymentTypes.filter((m) => m !== 'none');
export type ManualMethod = (typeof manualMethods)[number];
export type Values = Record<string, string>;

export interface ParsedCustomerForm {
  values: Values;
  errors: Errors;
  /** For the service, once there are no errors. */
  input?: CustomerCreate & CustomerUpdate;
  /** "Show me the portal link after saving". */
  wantsLink: boolean;
}

/** The form as first shown for an existing customer (edit). */
export function valuesOf(c: Customer): Values {
  const a = c.billingAddress;
  const manual = (manualMethods as readonly string[]).includes(c.paymentMethod.type);
  return {
    first_name: c.firstName ?? '',
    last_name: c.lastName ?? '',
    company: c.company ?? '',
    reference: c.reference,
    email: c.email ?? '',
    language: c.language,
    line1: a?.line1 ?? '',
    line2: a?.line2 ?? '',
    postal_code: a?.postal_code ?? '',
    city: a?.city ?? '',
    region: a?.region ?? '',
    country: a?.country ?? '',
    phone: a?.phone ?? '',
    tax_id: a?.tax_id ?? '',
    billing: c.autoBilling ? 'auto' : 'manual',
    manual_method: manual ? c.paymentMethod.type : '',
  };
}

/** The schema's complaint about a field, as a message the back-office can say in both languages. */
function messageFor(field: string, issue: v.BaseIssue<unknown>): AdminKey {
  if (field === 'email') return issue.type === 'max_length' ? 'too_long' : 'email_invalid';
  if (field === 'reference') return 'reference_invalid';
  if (field === 'country') return 'country_invalid';
  if (field === 'phone') return issue.type === 'max_length' ? 'too_long' : 'phone_invalid';
  return issue.type === 'max_length' ? 'too_long' : 'invalid_value';
}

/**
 * Reads the cascading form. Only the chosen branch counts: with "automatic", card or SEPA details
 * come later from the customer through the portal; with "manual", the chosen method is recorded.
 * Then the very schema of the REST API validates the result, so the back-office accepts exactly
 * what `POST /v1/customers` accepts (plus what a person filling a form must not forget).
 */
export function parseCustomerForm(form: Form, mode: 'create' | 'update', before?: Customer): ParsedCustomerForm {
  const values: Values = {};
  for (const name of customerFields) values[name] = form.text(name);
  values.country = (values.country ?? '').toUpperCase();
  values.billing = form.text('billing');
  values.manual_method = form.text('manual_method');
  values.portal_link = form.text('portal_link');
  const errors: Errors = {};

  if (!values.email) errors.email = 'required';
  if (!values.last_name && !values.company) errors.last_name = 'name_required';
  if (mode === 'update' && !values.reference) errors.reference = 'required';
  // An address is useful on an invoice only whole: street, postal code, city and country together.
  if (values.line1 || values.postal_code || values.city) {
    for (const f of ['line1', 'postal_code', 'city', 'country'] as const) if (!values[f]) errors[f] = 'address_incomplete';
  }
  if (values.billing !== 'auto' && values.billing !== 'manual') errors.billing = 'billing_mode_required';
  if (values.billing === 'manual' && !(manualMethods as readonly string[]).includes(values.manual_method ?? '')) {
    errors.manual_method = 'payment_method_required';
  }

  const orNull = (s: string | undefined) => (s ? s : null);
  const address = addressFields.some((f) => values[f])
    ? Object.fromEntries(addressFields.map((f) => [f, orNull(values[f])]))
    : null;
  const raw: Record<string, unknown> = {
    email: orNull(values.email),
    first_name: orNull(values.first_name),
    last_name: orNull(values.last_name),
    company: orNull(values.company),
    language: values.language === 'fr' ? 'fr' : 'en',
    billing_address: address,
    auto_billing: values.billing === 'auto',
  };
  if (values.reference) raw.reference = values.reference;
  if (values.billing === 'manual' && values.manual_method) raw.payment_method = { type: values.manual_method };
  // Switching a manually paying customer to automatic: their old manual method no longer applies.
  else if (values.billing === 'auto' && before && (manualMethods as readonly string[]).includes(before.paymentMethod.type)) {
    raw.payment_method = { type: 'none' };
  }

  const result = v.safeParse(mode === 'create' ? customerCreateSchema : customerUpdateSchema, raw, { abortEarly: false });
  if (!result.success) {
    for (const issue of result.issues) {
      const keys = (issue.path ?? []).map((p) => String(p.key));
      const field = keys[keys.length - 1] ?? '';
      if (field && !errors[field]) errors[field] = messageFor(field, issue);
    }
  }
  const ok = result.success && Object.keys(errors).length === 0;
  return { values, errors, input: ok ? (result.output as CustomerCreate & CustomerUpdate) : undefined, wantsLink: values.billing === 'auto' && values.portal_link === 'now' };
}

/** How a customer is named on screen: names, else company, else email, else reference. */
export function displayName(c: Pick<Customer, 'firstName' | 'lastName' | 'company' | 'email' | 'reference'>): string {
  const name = [c.firstName, c.lastName].filter(Boolean).join(' ');
  return name || c.company || c.email || c.reference;
}
