import { nodeHarness } from '../harness/node.ts';
import { checkoutRulesSuite } from './checkout-rules.suite.ts';

checkoutRulesSuite(nodeHarness);
