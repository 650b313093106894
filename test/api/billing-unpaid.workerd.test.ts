import { workerdHarness } from '../harness/workerd.ts';
import { billingUnpaidSuite } from './billing-unpaid.suite.ts';

billingUnpaidSuite(workerdHarness);
