// The Node entry compresses what it sends, as a CDN would in front of Workers: widget.js (on every
// merchant page view) and the hosted pages' scripts from files compressed at build, pages and the
// widget's pricing table per response. Checked with node:http, which, unlike fetch, decodes nothing.
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PorteServer, repoRoot, startServer } from './harness/server.ts';

interface Raw {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

function get(url: string, headers: Record<string, string>): Promise<Raw> {
  return new Promise((resolve, reject) => {
    request(url, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    })
      .on('error', reject)
      .end();
  });
}

const decoded = (r: Raw): Buffer =>
  r.headers['content-encoding'] === 'br' ? brotliDecompressSync(r.body) : r.headers['content-encoding'] === 'gzip' ? gunzipSync(r.body) : r.body;

describe('compression on the Node entry', () => {
  let server: PorteServer;
  beforeAll(async () => {
    server = await startServer({ PORTE_LOG: '0' });
  });
  afterAll(async () => server?.stop());

  it('sends widget.js and the page scripts as brotli or gzip, byte for byte the built files', async () => {
    for (const [path, file] of [
      ['/widget.js', 'dist/public/widget.js'],
      ['/assets/checkout.js', 'dist/public/assets/checkout.js'],
    ] as const) {
      const original = readFileSync(join(repoRoot, file));
      const br = await get(`${server.url}${path}`, { 'Accept-Encoding': 'gzip, deflate, br' });
      expect(br.status).toBe(200);
      expect(br.headers['content-encoding']).toBe('br');
      expect(br.headers.vary).toMatch(/accept-encoding/i);
      expect(br.body.length).toBeLessThan(original.length * 0.6);
      expect(decoded(br).equals(original)).toBe(true);

      const gzip = await get(`${server.url}${path}`, { 'Accept-Encoding': 'gzip' });
      expect(gzip.headers['content-encoding']).toBe('gzip');
      expect(decoded(gzip).equals(original)).toBe(true);

      // A client that accepts nothing gets the file itself, still cacheable cross-origin.
      const plain = await get(`${server.url}${path}`, {});
      expect(plain.headers['content-encoding']).toBeUndefined();
      expect(plain.body.equals(original)).toBe(true);
      expect(plain.headers['access-control-allow-origin']).toBe('*');
    }
  });

  it("compresses the widget's pricing table and keeps its revalidation working", async () => {
    const url = `${server.url}/widget/v1/pricing_tables/default?key=${server.publishableKey}&locale=en`;
    const origin = { Origin: 'http://localhost:3000' };
    const plain = await get(url, origin);
    expect(plain.status, plain.body.toString()).toBe(200);
    const gzip = await get(url, { ...origin, 'Accept-Encoding': 'gzip, deflate, br' });
    expect(gzip.status).toBe(200);
    expect(gzip.headers['content-encoding']).toBe('gzip');
    expect(gzip.headers.vary).toMatch(/accept-encoding/i);
    expect(gzip.body.length).toBeLessThan(plain.body.length / 2);
    expect(JSON.parse(decoded(gzip).toString('utf8'))).toEqual(JSON.parse(plain.body.toString('utf8')));
    expect(gzip.headers['access-control-allow-origin']).toBe('http://localhost:3000');
    // The browser revalidates with the ETag it was given (weak once compressed): still a 304.
    const etag = String(gzip.headers.etag);
    expect(etag).toMatch(/^W\//);
    const again = await get(url, { ...origin, 'Accept-Encoding': 'gzip', 'If-None-Match': etag });
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);
  });

  it('compresses a hosted page, and answers POSTs as they are', async () => {
    const page = await get(`${server.url}/demo`, { 'Accept-Encoding': 'gzip' });
    expect(page.status).toBe(200);
    expect(page.headers['content-encoding']).toBe('gzip');
    expect(decoded(page).toString('utf8')).toMatch(/<html/i);
    expect(page.headers['content-security-policy']).toBeTruthy();

    // A creation answers one small object: sent as it is, whatever the client accepts.
    const created = await fetch(`${server.url}/v1/customers`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${server.secretKey}`, 'Content-Type': 'application/json', 'Accept-Encoding': 'gzip' },
      body: JSON.stringify({ email: 'plain@example.com', metadata: { a: 'x'.repeat(500), b: 'y'.repeat(500), c: 'z'.repeat(500) } }),
    });
    expect(created.status).toBe(201);
    expect(created.headers.get('content-encoding')).toBeNull();
    expect(((await created.json()) as { email: string }).email).toBe('plain@example.com');
  });
});
