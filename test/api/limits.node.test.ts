import { nodeHarness } from '../harness/node.ts';
import { limitsSuite } from './limits.suite.ts';

limitsSuite(nodeHarness);
