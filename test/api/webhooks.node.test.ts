import { nodeHarness } from '../harness/node.ts';
import { webhooksSuite } from './webhooks.suite.ts';

webhooksSuite(nodeHarness);
