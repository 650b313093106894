/**
 * The client's address behind `trusted` reverse proxies. Each proxy appends the address it
 * received the request from to X-Forwarded-For, so only the rightmost `trusted` hops were written
 * by proxies we trust; everything to their left was sent by the client and may be forged. With
 * one proxy, the client is the last hop; with two, the one before it; with none, the socket.
 */
export function clientAddress(socket: string | undefined, forwardedFor: string | null | undefined, trusted: number): string | undefined {
  if (trusted <= 0) return socket;
  const hops = (forwardedFor ?? '')
    .split(',')
    .map((hop) => hop.trim())
    .filter((hop) => hop !== '');
  // Fewer hops than proxies: the request did not come through all of them; the earliest one we have
  // was still written by a trusted proxy (the client cannot write to the right of a proxy's hop).
  return hops.length === 0 ? socket : hops[Math.max(0, hops.length - trusted)];
}

/** PORTE_TRUST_PROXY: a number of proxies (`1` = one reverse proxy in front); anything else is 0. */
export function proxyCount(value: string | undefined): number {
  const n = Number(value ?? '0');
  return Number.isInteger(n) && n > 0 && n < 100 ? n : 0;
}
