import { nodeHarness } from '../harness/node.ts';
import { billingSuite } from './billing.suite.ts';

billingSuite(nodeHarness);
