import { nodeHarness } from '../harness/node.ts';
import { portalInvoicesSuite } from './portal-invoices.suite.ts';

portalInvoicesSuite(nodeHarness);
