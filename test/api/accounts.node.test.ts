import { nodeHarness } from '../harness/node.ts';
import { accountsSuite, brandingSuite, profileSuite } from './accounts.suite.ts';

accountsSuite(nodeHarness);
profileSuite(nodeHarness);
brandingSuite(nodeHarness);
