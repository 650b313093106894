import { nodeHarness } from '../harness/node.ts';
import { firstPaymentSuite } from './first-payment.suite.ts';

firstPaymentSuite(nodeHarness);
