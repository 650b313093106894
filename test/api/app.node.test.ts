import { nodeHarness } from '../harness/node.ts';
import { appSuite } from './app.suite.ts';

appSuite(nodeHarness);
