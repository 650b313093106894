const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** Random base62 string from WebCrypto (works on Node and Workers alike). */
export function randomToken(length: number): string {
  const bytes = crypto.getRandomValues(new Uint8Array(length));
  let out = '';
  // 62 * 4 = 248: rejecting bytes >= 248 keeps every character equally likely.
  for (let i = 0; out.length < length; i++) {
    if (i >= bytes.length) {
      crypto.getRandomValues(bytes);
      i = 0;
    }
    const b = bytes[i] as number;
    if (b < 248) out += ALPHABET[b % 62];
  }
  return out;
}

export type IdPrefix = 'mer' | 'key' | 'usr' | 'cus' | 'evt' | 'off' | 'pt' | 'cs' | 'sub' | 'pm' | 'we' | 'msg';

export const newId = (prefix: IdPrefix): string => `${prefix}_${randomToken(20)}`;
