import type { AdminKey } from '../../hosted-pages/admin/i18n.ts';
import { isAdminKey } from '../../hosted-pages/admin/i18n.ts';
import type { CustomerPageView, Line } from '../../hosted-pages/admin/CustomerPage.tsx';
import { type ActivityItem, recentActivity } from '../activity/repository.ts';
import type { Customer } from '../customers/repository.ts';
import type { PaymentMethod } from '../customers/schema.ts';
import { countryOptions } from '../lib/countries.ts';
import { offerRepository } from '../offers/repository.ts';
import { subscriptionRepository } from '../subscriptions/repository.ts';
import { upcomingActivity } from './upcoming.ts';
import type { AC } from './context.ts';
import { displayName } from './customer-form.ts';
import { formatDate, formatDateTime, paymentLabel } from './format.ts';
import { tr } from './render.tsx';

/** "customer.updated" → "Details changed: email, company"; unknown types (added later elsewhere) show as they are. */
function activityText(c: AC, item: ActivityItem, offerNames: Map<string, string>): string {
  const t = tr(c);
  const key = `act_${item.type}`;
  if (!isAdminKey(key)) return item.type;
  const data = item.data;
  const fields = Array.isArray(data.fields) ? data.fields.map(String).join(', ') : '';
  const type = typeof data.type === 'string' ? paymentLabel(t, { type: data.type } as PaymentMethod) : '';
  const offerRef = typeof data.offer === 'string' ? data.offer : '';
  return t(key as AdminKey, { fields, type, offer: offerNames.get(offerRef) ?? offerRef });
}

export async function customerPageView(c: AC, customer: Customer): Promise<CustomerPageView> {
  const t = tr(c);
  const { locale } = c.var;
  const { db } = c.var.deps;
  const merchantId = c.var.merchant.id;
  const [subs, activity] = await Promise.all([
    subscriptionRepository(db).list(merchantId, { limit: 50, customerId: customer.id }),
    recentActivity(db, merchantId, customer.id, 30),
  ]);
  const offers = await offerRepository(db).byIds(merchantId, subs.map((s) => s.offerId));
  const offerName = new Map(offers.map((o) => [o.id, o.name]));
  const namesByReference = new Map(offers.map((o) => [o.reference, o.name]));

  const upcoming = await upcomingActivity(c, customer, subs, offerName);

  const country = customer.billingAddress?.country;
  const countryName = country ? (countryOptions(locale).find((o) => o.code === country)?.name ?? country) : '';
  const a = customer.billingAddress;
  const address: Line[] = a
    ? ([
        [t('line1'), a.line1],
        [t('line2'), a.line2],
        [t('postal_code'), a.postal_code],
        [t('city'), a.city],
        [t('region'), a.region],
        [t('country'), countryName],
        [t('phone'), a.phone],
        [t('tax_id'), a.tax_id],
      ] as const)
        .filter(([, value]) => value)
        .map(([label, value]) => ({ label, value: value ?? '' }))
    : [];
  const details: Line[] = [
    { label: t('customer_id'), value: customer.id, mono: true },
    { label: t('customer_reference'), value: customer.reference, mono: true },
    { label: t('email'), value: customer.email ?? '' },
    { label: t('first_name'), value: customer.firstName ?? '' },
    { label: t('last_name'), value: customer.lastName ?? '' },
    { label: t('company'), value: customer.company ?? '' },
    { label: t('customer_language'), value: t(customer.language === 'fr' ? 'lang_fr' : 'lang_en') },
    { label: t('auto_billing'), value: t(customer.autoBilling ? 'yes' : 'no') },
    { label: t('payment_method'), value: paymentLabel(t, customer.paymentMethod, true) },
    { label: t('status'), value: customer.status === 'anonymized' ? t('badge_anonymized') : t('sub_active') },
    { label: t('created'), value: formatDateTime(locale, customer.createdAt) },
  ];

  return {
    t,
    csrf: c.var.session.csrfToken,
    id: customer.id,
    name: displayName(customer),
    anonymized: customer.status === 'anonymized',
    greyListed: customer.greyListed,
    hasLive: subs.some((s) => s.status === 'trialing' || s.status === 'active'),
    portal: true,
    details,
    address,
    subscriptions: subs.map((s) => ({
      id: s.id,
      offer: offerName.get(s.offerId) ?? s.offerId,
      status: t(`sub_${s.status}`),
      periodEnd: formatDate(locale, s.currentPeriodEnd),
      trialEnd: s.trialEnd ? formatDate(locale, s.trialEnd) : '—',
    })),
    recent: activity.map((item) => ({ text: activityText(c, item, namesByReference), at: formatDateTime(locale, item.createdAt), iso: item.createdAt })),
    upcoming,
  };
}
