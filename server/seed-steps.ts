import type { SeedStep } from './merchants/seed.ts';

/** Seeding steps of the domains beyond merchants (offers, pricing table), in order. */
export const seedSteps: readonly SeedStep[] = [];
