import { workerdHarness } from '../harness/workerd.ts';
import { accountsSuite, brandingSuite, profileSuite, translationsSuite } from './accounts.suite.ts';

accountsSuite(workerdHarness);
profileSuite(workerdHarness);
brandingSuite(workerdHarness);
translationsSuite(workerdHarness);
