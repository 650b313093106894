import { logoUrl } from '../accounts/service.ts';
import type { Merchant } from '../merchants/repository.ts';

/**
 * What an email shows of the business that sends it, read in one place: the account's business
 * profile and branding (name, logo, colour, support email/URL), as the hosted pages show them.
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

/** The account's brand as every environment's row carries it (merchants repository joins it in). */
export function branding(merchant: Merchant, publicUrl: string): Branding {
  const b = merchant.brand;
  const color = b.color && /^#[0-9a-fA-F]{6}$/.test(b.color) ? b.color : DEFAULT_COLOR;
  // Emails are read elsewhere: the logo needs an absolute address, or none.
  const logo = logoUrl(publicUrl, b.logoHash);
  return {
    name: merchant.name,
    logoUrl: logo && /^https?:\/\//.test(logo) ? logo : null,
    color,
    supportEmail: b.supportEmail,
    supportUrl: b.supportUrl,
  };
}
