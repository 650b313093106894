import { expect, it } from 'vitest';
import { workerdHarness } from '../harness/workerd.ts';
import { startSmtp } from '../harness/smtp.ts';
import { client } from '../harness/types.ts';

it('probe', async () => {
  const inbox = await startSmtp();
  const t0=Date.now(); const log=(x:string)=>console.log(x, Date.now()-t0);
  const h = await workerdHarness({ bindings: { PORTE_SMTP_URL: inbox.url } });
  log('harness');
  const m = await h.merchant({ mode: 'live' });
  const c = (await client(h, m.secretKey)('POST', '/v1/customers', { email: 'a@example.com', language: 'en' })).body as { id: string };
  const res = await h.request('/__test/events', { method: 'POST', body: JSON.stringify({ merchantId: m.id, type: 'subscription.canceled', data: { id: 'sub_x', customer: c.id } }) });
  expect(res.status).toBe(204);
  log('emitted');
  await h.scheduled?.();
  log('scheduled');
  await new Promise((r)=>setTimeout(r,3000)); console.log(await h.sql('SELECT status, last_error, attempts FROM emails'));
  await inbox.waitFor(1, 15000);
  console.log(inbox.accepted[0]?.subject, inbox.accepted[0]?.messageId);
  console.log(await h.sql('SELECT status, last_error FROM emails'));
  await h.close();
  await inbox.close();
}, 200000);
