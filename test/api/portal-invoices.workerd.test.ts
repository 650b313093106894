import { workerdHarness } from '../harness/workerd.ts';
import { portalInvoicesSuite } from './portal-invoices.suite.ts';

portalInvoicesSuite(workerdHarness);
