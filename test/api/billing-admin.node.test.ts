import { nodeHarness } from '../harness/node.ts';
import { billingAdminSuite } from './billing-admin.suite.ts';

billingAdminSuite(nodeHarness);
