import { workerdHarness } from '../harness/workerd.ts';
import { docsSuite } from './docs.suite.ts';

docsSuite(workerdHarness);
