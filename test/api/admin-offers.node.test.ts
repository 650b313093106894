import { nodeHarness } from '../harness/node.ts';
import { adminOffersSuite } from './admin-offers.suite.ts';

adminOffersSuite(() => nodeHarness({ config: { publicUrl: 'http://porte.test' } }));
