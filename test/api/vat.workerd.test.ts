import { workerdHarness } from '../harness/workerd.ts';
import { vatSuite } from './vat.suite.ts';

vatSuite(workerdHarness);
