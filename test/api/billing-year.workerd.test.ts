import { workerdHarness } from '../harness/workerd.ts';
import { billingYearSuite } from './billing-year.suite.ts';

billingYearSuite(workerdHarness);
