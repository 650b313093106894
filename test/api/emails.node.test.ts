import type { Deps } from '../../server/deps.ts';
import { drainEmails } from '../../server/email/outbox.ts';
import { type EventType, eventStatement } from '../../server/events/outbox.ts';
import { nodeHarness } from '../harness/node.ts';
import type { Harness } from '../harness/types.ts';
import { emailsSuite } from './emails.suite.ts';

const depsOf = (h: Harness) => (h as Harness & { deps: Deps }).deps;

emailsSuite(nodeHarness, {
  emit: async (h, merchantId, type, data) => {
    await depsOf(h).db.batch([eventStatement(merchantId, type as EventType, data, new Date().toISOString())]);
  },
  drain: async (h) => {
    await drainEmails(depsOf(h));
  },
});
