/**
 * Format checks for the business profile: VAT numbers per EU country, brand-colour contrast, and
 * logo bytes. One file, so each rule is in one place for both the API and the back-office.
 */

// EU VAT identification number formats (European Commission VIES "VAT number validation" FAQ),
// without the country prefix. A format check, not a registry lookup: VIES is not always up.
const VAT_FORMATS: Record<string, RegExp> = {
  AT: /^U\d{8}$/,
  BE: /^[01]\d{9}$/,
  BG: /^\d{9,10}$/,
  CY: /^\d{8}[A-Z]$/,
  CZ: /^\d{8,10}$/,
  DE: /^\d{9}$/,
  DK: /^\d{8}$/,
  EE: /^\d{9}$/,
  EL: /^\d{9}$/,
  ES: /^[A-Z0-9]\d{7}[A-Z0-9]$/,
  FI: /^\d{8}$/,
  FR: /^[0-9A-HJ-NP-Z]{2}\d{9}$/,
  HR: /^\d{11}$/,
  HU: /^\d{8}$/,
  IE: /^(\d{7}[A-W][A-I]?|\d[A-Z+*]\d{5}[A-W])$/,
  IT: /^\d{11}$/,
  LT: /^(\d{9}|\d{12})$/,
  LU: /^\d{8}$/,
  LV: /^\d{11}$/,
  MT: /^\d{8}$/,
  NL: /^\d{9}B\d{2}$/,
  PL: /^\d{10}$/,
  PT: /^\d{9}$/,
  RO: /^\d{2,10}$/,
  SE: /^\d{12}$/,
  SI: /^\d{8}$/,
  SK: /^\d{10}$/,
};

/** Greece's VAT prefix is EL, not its ISO code GR. */
const vatPrefix = (country: string): string => (country === 'GR' ? 'EL' : country);

/**
 * `FR40303265045` for a French business: the prefix must be the business's own country and the
 * rest that country's format. Spaces, dots and dashes are ignored. Outside the EU: any 2–20
 * letters and digits (no common format to check).
 */
export function vatNumberValid(raw: string, country: string | null): boolean {
  const vat = raw.replace(/[\s.-]/g, '').toUpperCase();
  if (!country) return false;
  const prefix = vatPrefix(country);
  const format = VAT_FORMATS[prefix];
  if (!format) return /^[A-Z0-9]{2,20}$/.test(vat);
  return vat.startsWith(prefix) && format.test(vat.slice(2));
}

export const normalizeVat = (raw: string): string => raw.replace(/[\s.-]/g, '').toUpperCase();

/** WCAG 2 relative luminance of `#rrggbb`. */
function luminance(hex: string): number {
  const channel = (i: number) => {
    const c = Number.parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
}

/** Contrast ratio of white text on this colour (1 to 21). */
export const contrastWithWhite = (hex: string): number => 1.05 / (luminance(hex) + 0.05);

/** Buttons carry white text on the brand colour: WCAG AA asks 4.5:1 for normal-size text. */
export const brandColorOk = (hex: string): boolean => /^#[0-9a-fA-F]{6}$/.test(hex) && contrastWithWhite(hex) >= 4.5;

export const LOGO_MAX_BYTES = 256 * 1024;
export type LogoType = 'image/png' | 'image/jpeg' | 'image/webp';

/** What the bytes are, whatever the file is called: PNG, JPEG or WebP by their signatures; else undefined. */
export function sniffLogo(bytes: Uint8Array): LogoType | undefined {
  const starts = (sig: number[], at = 0) => sig.every((b, i) => bytes[at + i] === b);
  if (bytes.length >= 8 && starts([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (bytes.length >= 3 && starts([0xff, 0xd8, 0xff])) return 'image/jpeg';
  // RIFF....WEBP
  if (bytes.length >= 12 && starts([0x52, 0x49, 0x46, 0x46]) && starts([0x57, 0x45, 0x42, 0x50], 8)) return 'image/webp';
  return undefined;
}

export const logoExtension = (type: LogoType): string => ({ 'image/png': 'png', 'image/jpeg': 'jpg', 'image/webp': 'webp' })[type];
