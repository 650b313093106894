import { workerdHarness } from '../harness/workerd.ts';
import { accountsSuite } from './accounts.suite.ts';

accountsSuite(workerdHarness);
