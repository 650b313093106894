import { workerdHarness } from '../harness/workerd.ts';
import { webhooksSuite } from './webhooks.suite.ts';

webhooksSuite(workerdHarness);
