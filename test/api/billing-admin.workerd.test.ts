import { workerdHarness } from '../harness/workerd.ts';
import { billingAdminSuite } from './billing-admin.suite.ts';

billingAdminSuite(workerdHarness);
