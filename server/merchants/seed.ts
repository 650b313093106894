import type { Deps } from '../deps.ts';
import { randomToken } from '../lib/ids.ts';
import { merchantRepository } from './repository.ts';
import { type CreatedMerchant, createMerchant } from './service.ts';

export interface DemoSeed extends CreatedMerchant {
  ownerEmail: string;
  ownerPassword: string;
}

/** Extra seeding steps other domains register (offers, pricing table) — run right after the merchant. */
export type SeedStep = (deps: Deps, merchantId: string) => Promise<void>;

/** On an empty database: the demo merchant of CONTRACT.md ("Running it"). Returns undefined otherwise. */
export async function seedDemo(deps: Deps, steps: readonly SeedStep[] = []): Promise<DemoSeed | undefined> {
  if ((await merchantRepository(deps.db).count()) > 0) return undefined;
  const ownerEmail = 'owner@demo.porte.test';
  const ownerPassword = randomToken(16);
  const created = await createMerchant(deps.db, deps.clock, {
    slug: 'demo',
    name: 'Demo Shop',
    mode: 'test',
    allowedOrigins: ['http://localhost:*', 'http://127.0.0.1:*'],
    owner: { email: ownerEmail, password: ownerPassword },
  });
  for (const step of steps) await step(deps, created.merchant.id);
  return { ...created, ownerEmail, ownerPassword };
}

/** The lines printed at start: everything a newcomer needs, and nothing on later starts but URLs. */
export function startBanner(publicUrl: string, seed: DemoSeed | undefined, setupToken?: string): string {
  const lines = [
    `Porte is running at ${publicUrl}`,
    `  Back-office:  ${publicUrl}/admin`,
    `  Demo shop:    ${publicUrl}/demo`,
    `  API docs:     ${publicUrl}/docs`,
  ];
  if (seed) {
    lines.push(
      '',
      'Created the demo merchant (test mode). Keep these, they are shown only once:',
      `  Owner login:     ${seed.ownerEmail} / ${seed.ownerPassword}`,
      `  Script tag:      <script src="${publicUrl}/widget.js" data-key="${seed.publishableKey}" async></script>`,
      `  Secret key:      ${seed.secretKey}`,
    );
  }
  // A fresh install without the demo (PORTE_SEED=0): the single-use link that claims it.
  if (setupToken) lines.push('', `Set up your account: ${publicUrl}/admin/setup?token=${setupToken}`);
  return lines.join('\n');
}
