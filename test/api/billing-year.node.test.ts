import { nodeHarness } from '../harness/node.ts';
import { billingYearSuite } from './billing-year.suite.ts';

billingYearSuite(nodeHarness);
