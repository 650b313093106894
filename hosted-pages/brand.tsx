import { html, raw } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';
import type { Locale } from './i18n.ts';

/** What a business shows of itself on Porte's pages (checkout, portal, widget frame, messages). */
export interface Brand {
  name: string;
  color: string | null;
  logoUrl: string | null;
  supportEmail: string | null;
  supportUrl: string | null;
}

/**
 * The brand in the page: the accent colour (checked at entry to be `#rrggbb` with 4.5:1 contrast
 * for white text, and re-checked here so nothing else can reach a style element) and the logo
 * above the page, with the trading name as its text alternative.
 */
export function brandHead(brand: Brand | undefined, nonce: string): HtmlEscapedString | Promise<HtmlEscapedString> | string {
  if (!brand) return '';
  const color = brand.color && /^#[0-9a-fA-F]{6}$/.test(brand.color) ? `:root{--accent:${brand.color};--link:${brand.color}}` : '';
  const bar = '.brand-bar{max-width:880px;margin:16px auto 0;padding:0 16px}.brand-bar img{display:block;max-height:48px;max-width:200px}.support{margin-top:12px}';
  return html`<style nonce="${nonce}">${raw(color + bar)}</style>`;
}

export function brandBar(brand: Brand | undefined): HtmlEscapedString | Promise<HtmlEscapedString> | string {
  if (!brand?.logoUrl) return '';
  return html`<header class="brand-bar" data-brand><img src="${brand.logoUrl}" alt="${brand.name}"></header>`;
}

const words = {
  en: { support: 'Questions? Contact {name}:' },
  fr: { support: 'Des questions ? Contactez {name} :' },
} as const;

/** The support contact, for the restricted page: a customer who cannot subscribe knows whom to ask. */
export function SupportContact({ brand, locale }: { brand: Brand; locale: Locale }) {
  if (!brand.supportEmail && !brand.supportUrl) return null;
  return (
    <p class="support" data-support>
      {words[locale].support.replace('{name}', brand.name)}{' '}
      {brand.supportEmail && <a href={`mailto:${brand.supportEmail}`}>{brand.supportEmail}</a>}
      {brand.supportEmail && brand.supportUrl && ' · '}
      {brand.supportUrl && <a href={brand.supportUrl} target="_blank" rel="noopener noreferrer">{brand.supportUrl}</a>}
    </p>
  );
}
