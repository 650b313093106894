/**
 * Allowed-origin entries are exact origins (`https://shop.example`) or a host with any port
 * (`http://localhost:*`), which is what the demo merchant uses for local development.
 */
export function originAllowed(origin: string | null | undefined, allowed: readonly string[]): boolean {
  if (!origin) return false;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  const normalized = url.origin;
  return allowed.some((entry) => {
    if (entry.endsWith(':*')) {
      const base = entry.slice(0, -2);
      return `${url.protocol}//${url.hostname}` === base;
    }
    return entry === normalized;
  });
}

/** Whether a redirect URL (success/cancel) lands on one of the merchant's origins. */
export function urlOnAllowedOrigin(href: string, allowed: readonly string[]): boolean {
  try {
    const url = new URL(href);
    return (url.protocol === 'https:' || url.protocol === 'http:') && originAllowed(url.origin, allowed);
  } catch {
    return false;
  }
}
