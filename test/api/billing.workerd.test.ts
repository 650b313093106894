import { workerdHarness } from '../harness/workerd.ts';
import { billingSuite } from './billing.suite.ts';

billingSuite(workerdHarness);
