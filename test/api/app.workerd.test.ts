import { workerdHarness } from '../harness/workerd.ts';
import { appSuite } from './app.suite.ts';

appSuite(workerdHarness);
