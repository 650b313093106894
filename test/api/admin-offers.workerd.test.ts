import { workerdHarness } from '../harness/workerd.ts';
import { adminOffersSuite } from './admin-offers.suite.ts';

adminOffersSuite(workerdHarness);
