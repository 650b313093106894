import { nodeHarness } from '../harness/node.ts';
import { setupSuite } from './setup.suite.ts';

setupSuite(nodeHarness);
