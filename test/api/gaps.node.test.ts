import { deliverDue, deliveryOptions } from '../../server/webhooks/delivery.ts';
import { nodeHarness } from '../harness/node.ts';
import type { Harness } from '../harness/types.ts';
import { gapsSuite } from './gaps.suite.ts';

type NodeHarness = Awaited<ReturnType<typeof nodeHarness>>;
// Receivers listen on loopback: the operator allowed private destinations.
gapsSuite(
  () => nodeHarness({ config: { publicUrl: 'http://porte.test', webhookAllowPrivate: true } }),
  async (h: Harness) => {
    const { deps } = h as NodeHarness;
    await deliverDue(deps.db, deps.clock, deliveryOptions(deps));
  },
);
