import { workerdHarness } from '../harness/workerd.ts';
import { accountsSuite, brandingSuite, profileSuite } from './accounts.suite.ts';

accountsSuite(workerdHarness);
profileSuite(workerdHarness);
brandingSuite(workerdHarness);
