// Oversized bodies against the real Node server: a chunked (no Content-Length) 50 MB body to every
// route that reads one is answered 413 while it streams, and the server's memory does not grow.
import { readFileSync, readdirSync } from 'node:fs';
import { request } from 'node:http';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type PorteServer, startServer } from '../harness/server.ts';
import { client, type Harness } from '../harness/types.ts';

const MB = 1024 * 1024;
const BODY_BYTES = 50 * MB;

/** Resident memory of a process and its descendants (the tsx CLI runs the server as its child). */
function treeRssBytes(pid: number): number {
  let total = 0;
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    total += Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
    for (const task of readdirSync(`/proc/${pid}/task`)) {
      const children = readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim();
      for (const child of children ? children.split(/\s+/) : []) total += treeRssBytes(Number(child));
    }
  } catch {
    // The process ended between listing and reading: it holds no memory.
  }
  return total;
}

/**
 * POSTs up to 50 MB with chunked transfer encoding, 1 MB at a time, and stops writing as soon as
 * the response arrives. Returns the status and how much had been written by then.
 */
function postChunked(base: string, path: string, headers: Record<string, string>): Promise<{ status: number; written: number }> {
  const url = new URL(path, base);
  const chunk = Buffer.alloc(MB, 'a');
  return new Promise((resolve, reject) => {
    let written = 0;
    let answered = false;
    const req = request(url, { method: 'POST', headers: { ...headers, 'Transfer-Encoding': 'chunked' } }, (res) => {
      answered = true;
      res.resume();
      resolve({ status: res.statusCode ?? 0, written });
      req.destroy();
    });
    req.on('error', (error) => {
      // The server closing the connection after its 413 is expected; anything before an answer is not.
      if (!answered) reject(error);
    });
    const pump = () => {
      while (!answered && written < BODY_BYTES) {
        written += chunk.length;
        if (!req.write(chunk)) {
          req.once('drain', pump);
          return;
        }
      }
      if (!answered) req.end();
    };
    pump();
  });
}

let server: PorteServer;
beforeAll(async () => {
  server = await startServer({ PORTE_LOG: '0' });
});
afterAll(async () => server?.stop());

it('answers 413 to a chunked 50 MB body on every route that reads one, and memory stays flat', async () => {
  const api = client({ runtime: 'node', request: (p, init) => fetch(`${server.url}${p}`, init) } as Harness, server.secretKey);
  const session = await api('POST', '/v1/checkout_sessions', { offer: 'pro-monthly', success_url: 'http://localhost:3000/ok', cancel_url: 'http://localhost:3000/back' });
  expect(session.status).toBe(201);
  const customer = await api('POST', '/v1/customers', { email: 'big@example.com' });
  const link = await api('POST', `/v1/customers/${customer.body.id}/portal_links`);
  const portal = new URL(link.body.url).pathname;
  const form = { 'Content-Type': 'application/x-www-form-urlencoded' };
  const json = { 'Content-Type': 'application/json' };
  const routes: [string, Record<string, string>][] = [
    [`/checkout/${session.body.id}`, form],
    [`/checkout/${session.body.id}/details`, form],
    [`/checkout/${session.body.id}/challenge`, form],
    ['/webhooks/stripe', { ...json, 'Stripe-Signature': 't=1,v1=00' }],
    [`/widget/v1/checkout_sessions?key=${server.publishableKey}`, { ...json, Origin: 'http://localhost:3000' }],
    [`${portal}/billing_address`, form],
    [`${portal}/payment_method`, form],
    ['/admin/login', form],
    ['/v1/customers', { ...json, Authorization: `Bearer ${server.secretKey}` }],
  ];
  // Warm up every route with a small body, so lazily loaded code is not counted as growth.
  for (const [path, headers] of routes) await fetch(`${server.url}${path}`, { method: 'POST', headers, body: 'x=1' });
  const before = treeRssBytes(server.pid);
  expect(before).toBeGreaterThan(10 * MB);
  let peak = before;
  const sampler = setInterval(() => {
    peak = Math.max(peak, treeRssBytes(server.pid));
  }, 20);
  try {
    for (const [path, headers] of routes) {
      const { status } = await postChunked(server.url, path, headers);
      expect(status, path).toBe(413);
      peak = Math.max(peak, treeRssBytes(server.pid));
    }
  } finally {
    clearInterval(sampler);
  }
  console.log(JSON.stringify({ bodyLimit: { routes: routes.length, rssBeforeMB: +(before / MB).toFixed(1), rssPeakMB: +(peak / MB).toFixed(1) } }));
  expect((peak - before) / MB).toBeLessThan(20);
  // Still serving.
  expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
}, 120_000);
