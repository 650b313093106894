import { nodeHarness } from '../harness/node.ts';
import { accountsSuite } from './accounts.suite.ts';

accountsSuite(nodeHarness);
