import { workerdHarness } from '../harness/workerd.ts';
import { portalSuite } from './portal.suite.ts';

// Same suite in real workerd over local D1: links signed and checked alike on Workers.
portalSuite(workerdHarness);
