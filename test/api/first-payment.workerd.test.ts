import { workerdHarness } from '../harness/workerd.ts';
import { firstPaymentSuite } from './first-payment.suite.ts';

// Same suite in real workerd over local D1: one batch there too.
firstPaymentSuite(workerdHarness);
