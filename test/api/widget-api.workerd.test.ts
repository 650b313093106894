import { workerdHarness } from '../harness/workerd.ts';
import { widgetApiSuite } from './widget-api.suite.ts';

// The widget's endpoints in real workerd over local D1: merchants' pages call the Workers deployment too.
widgetApiSuite(workerdHarness);
