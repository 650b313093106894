import { nodeHarness } from '../harness/node.ts';
import { widgetApiSuite } from './widget-api.suite.ts';

widgetApiSuite(nodeHarness);
