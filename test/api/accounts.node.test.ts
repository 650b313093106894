import { nodeHarness } from '../harness/node.ts';
import { accountsSuite, brandingSuite, profileSuite, translationsSuite } from './accounts.suite.ts';

accountsSuite(nodeHarness);
profileSuite(nodeHarness);
brandingSuite(nodeHarness);
translationsSuite(nodeHarness);
