import { workerdHarness } from '../harness/workerd.ts';
import { limitsSuite } from './limits.suite.ts';

limitsSuite(workerdHarness);
