import { nodeHarness } from '../harness/node.ts';
import { accountsSuite, profileSuite } from './accounts.suite.ts';

accountsSuite(nodeHarness);
profileSuite(nodeHarness);
