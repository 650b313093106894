// The Workers entry as deployed, plus test-only routes to create merchants (keys are otherwise
// printed once at seeding, which a test cannot read back) and to read what is stored. Never bundled into the real worker.
import type { ExecutionContext } from '@cloudflare/workers-types';
import { d1Database } from '../../server/db/d1.ts';
import worker, { type Env } from '../../server/entry/worker.ts';
import { type EventType, eventStatement } from '../../server/events/outbox.ts';
import { createMerchant } from '../../server/merchants/service.ts';
import { returnsRows } from './types.ts';

export default {
  async fetch(request: Request, env: Env, ctx: ExecutionContext): Promise<Response> {
    const url = new URL(request.url);
    if (url.pathname === '/__test/merchants' && request.method === 'POST') {
      const input = (await request.json()) as { slug: string; mode: 'test' | 'live'; accountId?: string };
      const created = await createMerchant(d1Database(env.DB), () => new Date(), {
        slug: input.slug,
        name: `Merchant ${input.slug}`,
        mode: input.mode,
        allowedOrigins: ['http://localhost:*', 'http://127.0.0.1:*', 'https://shop.example'],
        ...(input.accountId ? { accountId: input.accountId } : { owner: { email: `${input.slug}@example.com`, password: 'correct horse battery staple' } }),
      });
      return Response.json({
        id: created.merchant.id,
        accountId: created.merchant.accountId,
        mode: created.merchant.mode,
        slug: input.slug,
        secretKey: created.secretKey,
        publishableKey: created.publishableKey,
        embedSecret: created.merchant.embedSecret,
      });
    }
    if (url.pathname === '/__test/events' && request.method === 'POST') {
      // Events as the billing engine writes them, through the same outbox API.
      const input = (await request.json()) as { merchantId: string; type: EventType; data: object };
      await d1Database(env.DB).batch([eventStatement(input.merchantId, input.type, input.data, new Date().toISOString())]);
      return new Response(null, { status: 204 });
    }
    if (url.pathname === '/__test/sql' && request.method === 'POST') {
      const input = (await request.json()) as { query: string; params: (string | number | null)[] };
      const db = d1Database(env.DB);
      try {
        if (returnsRows(input.query)) return Response.json(await db.all(input.query, input.params));
        await db.run(input.query, input.params);
        return Response.json([]);
      } catch (error) {
        // The test sees the database's own message (a constraint, a trigger's RAISE).
        return new Response(error instanceof Error ? error.message : String(error), { status: 500 });
      }
    }
    return worker.fetch(request, env, ctx);
  },
  scheduled: worker.scheduled,
};
