import { lookup } from 'node:dns/promises';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { isIPv6 } from 'node:net';
import type { Egress } from '../deps.ts';

/**
 * Node's network access for outgoing webhooks: DNS resolution, and requests whose connection goes
 * to an address chosen beforehand. The host name still gives the Host header and the TLS server
 * name (certificates are verified against it), but no second DNS query is made: what was checked
 * is what is connected to.
 */
export const nodeEgress: Egress = {
  async resolve(host) {
    return (await lookup(host, { all: true, verbatim: true })).map((a) => a.address);
  },
  fetchVia(address, url, init) {
    const target = new URL(url);
    const family = isIPv6(address) ? 6 : 4;
    const pinned: LookupFunction = (_host, options, callback) => {
      if (options.all) callback(null, [{ address, family }]);
      else callback(null, address, family);
    };
    const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise<Response>((resolve, reject) => {
      const req = send(
        target,
        { method: init.method ?? 'GET', headers: Object.fromEntries(new Headers(init.headers)), lookup: pinned, signal: init.signal ?? undefined },
        (res) => {
          // Only the status matters to the caller; the body is discarded.
          res.resume();
          // A status Response cannot carry (a broken server's 600) must not throw in this callback.
          const status = res.statusCode ?? 0;
          resolve(new Response(null, { status: status >= 200 && status <= 599 ? status : 502 }));
        },
      );
      req.on('error', reject);
      req.end(typeof init.body === 'string' ? init.body : undefined);
    });
  },
};
