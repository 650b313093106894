import { workerdHarness } from '../harness/workerd.ts';
import { setupSuite } from './setup.suite.ts';

setupSuite(workerdHarness);
