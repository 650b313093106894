import { nodeHarness } from '../harness/node.ts';
import { checkoutPagesSuite } from './checkout-pages.suite.ts';

checkoutPagesSuite(nodeHarness);
