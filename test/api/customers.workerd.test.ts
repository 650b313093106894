import { workerdHarness } from '../harness/workerd.ts';
import { customersSuite } from './customers.suite.ts';

customersSuite(workerdHarness);
