// PORTE_TRUST_PROXY=<number of proxies>: the client address (widget rate limit, grey list, login
// throttle) is the hop the trusted proxy appended to X-Forwarded-For, counted from the right. The
// leftmost hops are whatever the client sent, so forging them must change nothing.
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientAddress, proxyCount } from '../server/http/client-address.ts';
import { type PorteServer, startServer } from './harness/server.ts';

describe('the client address behind trusted proxies', () => {
  it('takes the hop appended by the outermost trusted proxy, never a client-written one', () => {
    // One proxy: it appended the address it saw (the client) as the last hop.
    expect(clientAddress('10.0.0.2', '198.51.100.7', 1)).toBe('198.51.100.7');
    expect(clientAddress('10.0.0.2', '6.6.6.6, 198.51.100.7', 1)).toBe('198.51.100.7');
    expect(clientAddress('10.0.0.2', '6.6.6.6,1.2.3.4 , 198.51.100.7', 1)).toBe('198.51.100.7');
    // Two proxies (CDN, then a load balancer): the second appended the CDN's address.
    expect(clientAddress('10.0.0.2', '6.6.6.6, 198.51.100.7, 203.0.113.50', 2)).toBe('198.51.100.7');
    // No proxy trusted: the socket, whatever the header says.
    expect(clientAddress('192.0.2.1', '6.6.6.6', 0)).toBe('192.0.2.1');
    // Behind a proxy that added nothing: the socket.
    expect(clientAddress('192.0.2.1', null, 1)).toBe('192.0.2.1');
  });

  it('reads PORTE_TRUST_PROXY as a count; anything else trusts no proxy', () => {
    expect([undefined, '', '0', '1', '2', 'true', '-1', '1.5'].map(proxyCount)).toEqual([0, 0, 0, 1, 2, 0, 0, 0]);
  });
});

describe('the real server behind one proxy (PORTE_TRUST_PROXY=1)', () => {
  let server: PorteServer;
  beforeAll(async () => {
    server = await startServer({ PORTE_TRUST_PROXY: '1', PORTE_LOG: '0' });
  });
  afterAll(async () => server?.stop());

  it('counts widget sessions against the proxy-appended address whatever the client puts on the left', async () => {
    const create = (forwardedFor: string) =>
      fetch(`${server.url}/widget/v1/checkout_sessions?key=${server.publishableKey}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Origin: 'http://localhost:3000', 'X-Forwarded-For': forwardedFor },
        body: JSON.stringify({ offer: 'pro-monthly', success_url: 'http://localhost:3000/thanks' }),
      });
    const ids: string[] = [];
    for (const forged of ['6.6.6.6', '7.7.7.7, 8.8.8.8', '']) {
      const res = await create(forged ? `${forged}, 198.51.100.7` : '198.51.100.7');
      const body = (await res.json()) as { id: string };
      expect(res.status, JSON.stringify(body)).toBe(201);
      ids.push(body.id);
    }
    const db = new Database(server.dbFile, { readonly: true });
    try {
      const rows = db.prepare(`SELECT client_ip FROM checkout_sessions WHERE id IN (${ids.map(() => '?').join(',')})`).all(...ids) as { client_ip: string }[];
      expect(rows.map((r) => r.client_ip)).toEqual(['198.51.100.7', '198.51.100.7', '198.51.100.7']);
    } finally {
      db.close();
    }
  });
});
