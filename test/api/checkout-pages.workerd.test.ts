import { workerdHarness } from '../harness/workerd.ts';
import { checkoutPagesSuite } from './checkout-pages.suite.ts';

// The same pages in real workerd over local D1.
checkoutPagesSuite(workerdHarness);
