import { workerdHarness } from '../harness/workerd.ts';
import { checkoutSuite } from './checkout.suite.ts';

// Same suite in real workerd over local D1: the Workers deployment must behave identically.
checkoutSuite(workerdHarness);
