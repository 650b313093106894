import { workerdHarness } from '../harness/workerd.ts';
import { vatDisplaySuite } from './vat-display.suite.ts';

vatDisplaySuite(workerdHarness);
