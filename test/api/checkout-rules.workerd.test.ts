import { workerdHarness } from '../harness/workerd.ts';
import { checkoutRulesSuite } from './checkout-rules.suite.ts';

checkoutRulesSuite(workerdHarness);
