import { nodeHarness } from '../harness/node.ts';
import { documentsSuite } from './documents.suite.ts';

documentsSuite(nodeHarness);
