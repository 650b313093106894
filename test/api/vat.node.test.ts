import { nodeHarness } from '../harness/node.ts';
import { vatSuite } from './vat.suite.ts';

vatSuite(nodeHarness);
