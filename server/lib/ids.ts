const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

// Random bytes drawn from WebCrypto 4 KB at a time: one system call for many ids, not one per id.
const pool = new Uint8Array(4096);
let used = pool.length;
function randomByte(): number {
  if (used >= pool.length) {
    crypto.getRandomValues(pool);
    used = 0;
  }
  return pool[used++] as number;
}

/** Random base62 string from WebCrypto (works on Node and Workers alike). */
export function randomToken(length: number): string {
  let out = '';
  while (out.length < length) {
    const b = randomByte();
    // 62 * 4 = 248: rejecting bytes >= 248 keeps every character equally likely.
    if (b < 248) out += ALPHABET[b % 62];
  }
  return out;
}

export type IdPrefix = 'mer' | 'key' | 'usr' | 'cus' | 'evt' | 'off' | 'pt' | 'cs' | 'sub' | 'pm' | 'we' | 'msg' | 'in' | 'pay' | 'cn';

/**
 * `cus_` + 8 characters of time + 12 random: ids sort roughly by creation, so inserts land at the
 * end of the unique index instead of all over it (about twice faster at a few 100k rows), while
 * 12 base62 characters (71 bits) stay unguessable.
 */
export function newId(prefix: IdPrefix): string {
  let t = Date.now();
  let time = '';
  for (let i = 0; i < 8; i++) {
    time = ALPHABET[t % 62] + time;
    t = Math.floor(t / 62);
  }
  return `${prefix}_${time}${randomToken(12)}`;
}
