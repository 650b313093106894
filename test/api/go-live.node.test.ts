// "Go live" (issue 10): the checklist blocks, then allows, with the live Stripe key checked by a
// real SDK call against the local Stripe-protocol server; the logo upload refuses what is not an
// image by its bytes. Node (the Stripe server is a local process).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publicUrlOk } from '../../server/accounts/go-live.ts';
import { gatewayFor } from '../../server/gateways/select.ts';
import { merchantRepository } from '../../server/merchants/repository.ts';
import { Agent } from '../harness/agent.ts';
import { nodeHarness } from '../harness/node.ts';
import { client } from '../harness/types.ts';
import { type FakeStripeServer, startFakeStripeServer } from '../stripe/fake-stripe-server.ts';

// A real 1×1 PNG.
const PNG = Uint8Array.from(atob('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=='), (c) => c.charCodeAt(0));

describe('go live', () => {
  let stripe: FakeStripeServer;
  let h: Awaited<ReturnType<typeof nodeHarness>>;
  beforeAll(async () => {
    stripe = await startFakeStripeServer();
    h = await nodeHarness({ config: { publicUrl: 'https://porte.example', stripeApi: { host: stripe.host, port: stripe.port, protocol: stripe.protocol } } });
  });
  afterAll(async () => {
    await h?.close();
    await stripe?.close();
  });

  it('lists what is missing and refuses; with a complete profile and live Stripe keys that answer, goes live', async () => {
    const m = await h.merchant();
    const owner = await Agent.owner(h, m.slug, 'https://porte.example');
    const before = await owner.text('/admin/go-live');
    expect(before).toMatch(/class="todo">Business profile: missing legal_name, address, country, company_number, support_email/);
    expect(before).toMatch(/class="todo">Stripe: enter your live keys/);
    expect(before).toMatch(/class="done">Public URL is https/);
    expect(before).not.toContain('action="/admin/go-live"');
    const _csrf = await owner.token('/admin/go-live');
    expect((await owner.send('/admin/go-live', { _csrf })).status).toBe(422);
    const liveRow = await merchantRepository(h.deps.db).byAccount(m.accountId, 'live');
    expect(liveRow?.gateway).toBe('stripe');
    await expect(gatewayFor(liveRow!, h.deps)).rejects.toThrow(/not gone live/);

    const profile = await client(h, m.secretKey)('PATCH', '/v1/account', {
      legal_name: 'Atelier Dupont SAS', address: { line1: '1 rue X', postal_code: '75002', city: 'Paris' }, country: 'FR', company_number: '303265045', support_email: 'help@atelier.example',
    });
    expect(profile.status).toBe(200);

    // Live Stripe keys go in the live environment's settings; test keys are refused there.
    expect((await owner.send('/admin/go-live/stripe')).headers.get('location')).toBe('/admin/settings#h-gateway');
    const wrong = await owner.send('/admin/settings/gateway', { _csrf, gateway: 'stripe', stripe_secret_key: `sk_test_${'a'.repeat(24)}`, stripe_publishable_key: `pk_test_${'b'.repeat(24)}` });
    expect(wrong.status).toBe(422);
    expect(await wrong.text()).toMatch(/id="f-stripe_secret_key-error"/);
    const keys = { _csrf, gateway: 'stripe', stripe_secret_key: `sk_live_${'a'.repeat(24)}`, stripe_publishable_key: `pk_live_${'b'.repeat(24)}` };
    expect((await owner.send('/admin/settings/gateway', keys)).status).toBe(303);

    // Stripe failing to answer is shown, not glossed over (the SDK retries once: two failures).
    stripe.failNext(2, 'http500', { path: '/v1/balance' });
    expect(await owner.text('/admin/go-live')).toMatch(/class="todo">Stripe did not accept the live secret key/);

    const ready = await owner.text('/admin/go-live');
    expect(ready).toMatch(/class="done">Business profile complete/);
    expect(ready).toMatch(/class="done">Stripe live keys answer/);
    expect(stripe.requests.filter((r) => r.path === '/v1/balance').length).toBeGreaterThanOrEqual(3);
    const went = await owner.send('/admin/go-live', { _csrf });
    expect(went.status).toBe(303);
    expect(await owner.text('/admin/go-live')).toContain('Live since');
    const nowLive = await merchantRepository(h.deps.db).byAccount(m.accountId, 'live');
    await expect(gatewayFor(nowLive!, h.deps)).resolves.toBeDefined();
    // The database itself refuses the test gateway in live.
    await expect(h.deps.db.run("UPDATE merchants SET gateway = 'test' WHERE id = ?", [nowLive!.id])).rejects.toThrow(/test gateway/);
  });

  it('public URL: https, or loopback for trying it out', () => {
    expect(publicUrlOk('https://billing.example')).toBe(true);
    expect(publicUrlOk('http://localhost:8787')).toBe(true);
    expect(publicUrlOk('http://billing.example')).toBe(false);
  });

  it('logo: PNG accepted and served by content hash with a long cache; SVG or HTML named .png, 10 MB and empty files refused', async () => {
    const m = await h.merchant();
    const owner = await Agent.owner(h, m.slug, 'https://porte.example');
    const _csrf = await owner.token('/admin/settings/profile');
    const up = (bytes: Uint8Array, name = 'logo.png', type = 'image/png') => owner.upload('/admin/settings/logo', { _csrf }, { field: 'logo', name, type, bytes });
    const enc = new TextEncoder();
    expect((await up(enc.encode('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'))).status).toBe(422);
    expect((await up(enc.encode('<!doctype html><script>alert(1)</script>'))).status).toBe(422);
    expect((await up(new Uint8Array(0))).status).toBe(422);
    expect((await up(new Uint8Array(10 * 1024 * 1024))).status).toBe(413);
    expect((await client(h, m.secretKey)('GET', '/v1/account')).body.logo_url).toBeNull();

    expect((await up(PNG, 'anything.bin', 'application/octet-stream')).status).toBe(303);
    const url = (await client(h, m.secretKey)('GET', '/v1/account')).body.logo_url as string;
    expect(url).toMatch(/^https:\/\/porte\.example\/brand\/[0-9a-f]{64}$/);
    const res = await h.request(new URL(url).pathname);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    expect(res.headers.get('cache-control')).toContain('immutable');
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(PNG);
  });
});
