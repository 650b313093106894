import { nodeHarness } from '../harness/node.ts';
import { docsSuite } from './docs.suite.ts';

docsSuite(nodeHarness);
