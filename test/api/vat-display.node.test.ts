import { nodeHarness } from '../harness/node.ts';
import { vatDisplaySuite } from './vat-display.suite.ts';

vatDisplaySuite(nodeHarness);
