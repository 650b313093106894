import { workerdHarness } from '../harness/workerd.ts';
import { gapsSuite } from './gaps.suite.ts';

// Receivers listen on loopback: the operator allowed private destinations. The cron drains the outbox.
gapsSuite(
  () => workerdHarness({ PORTE_WEBHOOK_ALLOW_PRIVATE: '1' }),
  async (h) => {
    await h.scheduled?.();
  },
);
