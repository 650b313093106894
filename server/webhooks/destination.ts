import ipaddr from 'ipaddr.js';
import type { Config, Egress } from '../deps.ts';

/**
 * Where webhooks may go. A merchant chooses the URL and sees the HTTP status back, so a URL on
 * the host's own network would let them scan it (SSRF): loopback, private, link-local, unique-local
 * and every other non-public range are refused at creation and again at delivery time, unless the
 * operator allows them (`PORTE_WEBHOOK_ALLOW_PRIVATE=1`, the default for a localhost install).
 */

/** Whether private destinations are allowed: the operator's choice, else only for a localhost install. */
export function allowsPrivateWebhooks(config: Config): boolean {
  if (config.webhookAllowPrivate !== undefined) return config.webhookAllowPrivate;
  try {
    return isLocalName(new URL(config.publicUrl).hostname) || isPrivateAddress(bare(new URL(config.publicUrl).hostname));
  } catch {
    return false;
  }
}

const bare = (hostname: string): string => hostname.replace(/^\[|\]$/g, '');
const isLocalName = (hostname: string): boolean => {
  const name = hostname.toLowerCase().replace(/\.$/, '');
  return name === 'localhost' || name.endsWith('.localhost');
};

/** True for anything that is not a public unicast address (IPv4-mapped IPv6 judged as its IPv4). */
export function isPrivateAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  let parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  return parsed.range() !== 'unicast';
}

export type Destination = { ok: true; address?: string } | { ok: false; private: boolean; reason: string };

const refused = (what: string): Destination => ({
  ok: false,
  private: true,
  reason: `${what} is a loopback, private or link-local address; webhooks go to public addresses only.`,
});

/**
 * Checks a webhook URL. With a resolver (Node), a host name is resolved and every address must be
 * public; the address returned is the one to connect to, so the check and the connection see the
 * same address (no DNS-rebinding window). Without one (Workers), literal addresses are checked.
 */
export async function checkDestination(url: string, allowPrivate: boolean, egress?: Pick<Egress, 'resolve'>): Promise<Destination> {
  if (allowPrivate) return { ok: true };
  let hostname: string;
  try {
    hostname = bare(new URL(url).hostname);
  } catch {
    return { ok: false, private: false, reason: 'The URL is not valid.' };
  }
  // WHATWG URL parsing has already turned 2130706433, 0x7f.1 or 127.1 into 127.0.0.1.
  if (ipaddr.isValid(hostname)) return isPrivateAddress(hostname) ? refused(hostname) : { ok: true, address: hostname };
  if (isLocalName(hostname)) return refused(hostname);
  if (!egress) return { ok: true };
  let addresses: string[];
  try {
    addresses = await egress.resolve(hostname);
  } catch {
    addresses = [];
  }
  if (addresses.length === 0) return { ok: false, private: false, reason: `${hostname} does not resolve.` };
  const inside = addresses.find(isPrivateAddress);
  if (inside) return refused(`${hostname} resolves to ${inside}, which`);
  return { ok: true, address: addresses[0] };
}
