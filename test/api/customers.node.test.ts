import { nodeHarness } from '../harness/node.ts';
import { customersSuite } from './customers.suite.ts';

customersSuite(nodeHarness);
