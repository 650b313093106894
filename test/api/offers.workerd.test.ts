import { workerdHarness } from '../harness/workerd.ts';
import { offersSuite } from './offers.suite.ts';

// Same suite in real workerd over local D1: the Workers deployment must behave identically.
offersSuite(workerdHarness);
