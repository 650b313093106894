import { workerdHarness } from '../harness/workerd.ts';
import { adminSuite } from './admin.suite.ts';

adminSuite(workerdHarness);
