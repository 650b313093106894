import { workerdHarness } from '../harness/workerd.ts';
import { emailsSuite } from './emails.suite.ts';

emailsSuite(workerdHarness, {
  // A test-only route of the harness's worker writes the event through events/outbox.ts.
  emit: async (h, merchantId, type, data) => {
    const res = await h.request('/__test/events', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ merchantId, type, data }) });
    if (!res.ok) throw new Error(`emit failed: ${res.status}`);
  },
  // The cron trigger drains with the same code as the Node loop; it runs in waitUntil, so the suite polls.
  drain: async (h) => {
    await h.scheduled?.();
    await new Promise((resolve) => setTimeout(resolve, 100));
  },
});
