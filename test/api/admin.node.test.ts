import { nodeHarness } from '../harness/node.ts';
import { adminSuite } from './admin.suite.ts';

// The Node entry's password cost (server/entry/node.ts), so the re-hash test sees what Node stores.
adminSuite(() => nodeHarness({ config: { publicUrl: 'http://porte.test', passwordIterations: 600_000 } }));
