import type { Deps } from '../deps.ts';
import type { Merchant } from '../merchants/repository.ts';
import type { Account } from './repository.ts';
import { missingProfile } from './service.ts';

export type StripeProblem = 'missing' | 'wrong_mode' | 'no_answer';

export interface Checklist {
  profile: { ok: boolean; missing: string[] };
  stripe: { ok: boolean; problem?: StripeProblem; detail?: string };
  publicUrl: { ok: boolean; url: string };
  complete: boolean;
}

/** Live links must be https; a machine's own loopback is the one exception (trying it out). */
export function publicUrlOk(publicUrl: string): boolean {
  try {
    const url = new URL(publicUrl);
    return url.protocol === 'https:' || ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
  } catch {
    return false;
  }
}

/**
 * What the live environment still needs before it takes payments. Stripe is asked for real (a
 * read-only call with the live secret key), so keys that were revoked or mistyped show here, not
 * at a customer's first payment.
 */
export async function goLiveChecklist(deps: Deps, account: Account, live: Merchant): Promise<Checklist> {
  const missing = missingProfile(account);
  const secret = live.stripeSecretKey;
  const publishable = live.stripePublishableKey;
  let stripe: Checklist['stripe'];
  if (live.gateway !== 'stripe' || !secret || !publishable) stripe = { ok: false, problem: 'missing' };
  else if (!/^(sk|rk)_live_/.test(secret) || !publishable.startsWith('pk_live_')) stripe = { ok: false, problem: 'wrong_mode' };
  else {
    const { checkStripeKey } = await import('../gateways/stripe.ts');
    const answer = await checkStripeKey({ secretKey: secret, api: deps.config.stripeApi, timeoutMs: deps.config.stripeApi?.timeoutMs });
    if (!answer.ok) stripe = { ok: false, problem: 'no_answer', detail: answer.message };
    else if (!answer.livemode) stripe = { ok: false, problem: 'wrong_mode' };
    else stripe = { ok: true };
  }
  const publicUrl = { ok: publicUrlOk(deps.config.publicUrl), url: deps.config.publicUrl };
  return { profile: { ok: missing.length === 0, missing }, stripe, publicUrl, complete: missing.length === 0 && stripe.ok && publicUrl.ok };
}
