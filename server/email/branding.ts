import type { Merchant } from '../merchants/repository.ts';

/**
 * What an email shows of the business that sends it. The one place to read it from: when the
 * business profile (trading name, logo, colour, support email/URL) lands on the merchant row,
 * only this function changes.
 */
export interface Branding {
  name: string;
  /** An absolute https/http URL of the logo, or null. Loaded by the reader's client, never tracked. */
  logoUrl: string | null;
  /** `#rrggbb`. */
  color: string;
  supportEmail: string | null;
  supportUrl: string | null;
}

const DEFAULT_COLOR = '#2f5bea';

export function branding(merchant: Merchant): Branding {
  const profile = merchant as Merchant & Partial<{ tradingName: string | null; logoUrl: string | null; brandColor: string | null; supportEmail: string | null; supportUrl: string | null }>;
  const color = profile.brandColor && /^#[0-9a-fA-F]{6}$/.test(profile.brandColor) ? profile.brandColor : DEFAULT_COLOR;
  return {
    name: profile.tradingName || merchant.name,
    logoUrl: profile.logoUrl ?? null,
    color,
    supportEmail: profile.supportEmail ?? null,
    supportUrl: profile.supportUrl ?? null,
  };
}
