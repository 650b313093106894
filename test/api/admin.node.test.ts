import { nodeHarness } from '../harness/node.ts';
import { adminSuite } from './admin.suite.ts';

adminSuite(nodeHarness);
