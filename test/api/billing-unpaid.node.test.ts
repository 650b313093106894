import { nodeHarness } from '../harness/node.ts';
import { billingUnpaidSuite } from './billing-unpaid.suite.ts';

billingUnpaidSuite(nodeHarness);
