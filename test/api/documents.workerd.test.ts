import { workerdHarness } from '../harness/workerd.ts';
import { documentsSuite } from './documents.suite.ts';

documentsSuite(workerdHarness);
