import { randomToken } from '../lib/ids.ts';

export interface CspOptions {
  /** Origins allowed to frame the page (the merchant's allowed origins), or none. */
  frameAncestors?: readonly string[];
  /** Where forms may post or redirect to after posting (Chromium applies form-action to redirects). */
  formTargets?: readonly string[];
  stripe?: boolean;
}

export const newNonce = (): string => randomToken(22);

/** A strict CSP: nonce'd scripts and styles only; Stripe's hosts only where Stripe is used. */
export function contentSecurityPolicy(nonce: string, o: CspOptions = {}): string {
  const stripe = o.stripe ?? false;
  const ancestors = o.frameAncestors && o.frameAncestors.length > 0 ? o.frameAncestors.join(' ') : "'none'";
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'${stripe ? ' https://js.stripe.com' : ''}`,
    `style-src 'nonce-${nonce}'${stripe ? " 'unsafe-inline'" : ''}`,
    "img-src 'self' data:",
    `connect-src 'self'${stripe ? ' https://api.stripe.com' : ''}`,
    stripe ? 'frame-src https://js.stripe.com https://hooks.stripe.com' : "frame-src 'none'",
    `form-action 'self'${o.formTargets && o.formTargets.length > 0 ? ` ${o.formTargets.join(' ')}` : ''}`,
    "base-uri 'none'",
    `frame-ancestors ${ancestors}`,
  ].join('; ');
}
