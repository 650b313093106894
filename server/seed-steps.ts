import type * as v from 'valibot';
import type { Deps } from './deps.ts';
import { parse } from './http/validate.ts';
import type { SeedStep } from './merchants/seed.ts';
import { offerCreateSchema } from './offers/schema.ts';
import { offerService } from './offers/service.ts';
import { pricingTableCreateSchema } from './pricing-tables/schema.ts';
import { pricingTableService } from './pricing-tables/service.ts';

/** CONTRACT.md's demo: three offers a newcomer can subscribe to at once (the widget example uses pro-monthly). */
const demoOffers: v.InferInput<typeof offerCreateSchema>[] = [
  {
    reference: 'basic-monthly',
    name: 'Basic',
    description: 'For freelancers getting started: everything you need to send your first invoices.',
    currency: 'EUR',
    amount_upfront: 0,
    recurring: { amount: 900, interval: 'month', interval_count: 1 },
    trial: null,
    features: ['1 user', 'Up to 50 customers', 'Email support'],
    visible: true,
  },
  {
    reference: 'pro-monthly',
    name: 'Pro',
    description: 'For growing teams: automation, integrations and priority support. Try it free for 14 days.',
    currency: 'EUR',
    amount_upfront: 0,
    recurring: { amount: 2900, interval: 'month', interval_count: 1 },
    trial: { days: 14, amount: 0 },
    features: ['Up to 5 users', 'Unlimited customers', 'Automatic payment reminders', 'Accounting exports', 'Priority support'],
    visible: true,
  },
  {
    reference: 'business-yearly',
    name: 'Business',
    description: 'For established companies: billed yearly, with a guided onboarding session to set everything up.',
    currency: 'EUR',
    amount_upfront: 4900,
    recurring: { amount: 29000, interval: 'year', interval_count: 1 },
    trial: null,
    features: ['Unlimited users', 'Unlimited customers', 'Single sign-on', 'Onboarding session', 'Dedicated account manager'],
    visible: true,
  },
];

/** Through the API's schemas and the services, not raw SQL, so the demo data passes the same validation. */
export async function seedDemoOffers(deps: Deps, merchantId: string): Promise<void> {
  const offers = offerService(deps.db, deps.clock);
  for (const offer of demoOffers) await offers.create(merchantId, parse(offerCreateSchema, offer, 'body'));
  const table = { reference: 'default', offers: demoOffers.map((o) => o.reference), highlighted: 'pro-monthly' };
  await pricingTableService(deps.db, deps.clock).create(merchantId, parse(pricingTableCreateSchema, table, 'body'));
}

/** Seeding steps of the domains beyond merchants (offers, pricing table), in order. */
export const seedSteps: readonly SeedStep[] = [seedDemoOffers];
