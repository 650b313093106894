import { workerdHarness } from '../harness/workerd.ts';
import { accountsSuite, profileSuite } from './accounts.suite.ts';

accountsSuite(workerdHarness);
profileSuite(workerdHarness);
