import { EXAMPLE_IDS } from '../example-ids.js';
import { EXECUTION_EXAMPLE } from '../executions/execution-examples.js';
import { problemDocument, validationProblem } from '../problem.js';

/** Examples of the OpenAPI document for events: the run of `nightly-aggregation` stopping. */

export const CLOUD_EVENT_EXAMPLE = {
  specversion: '1.0',
  id: EXAMPLE_IDS.event,
  type: 'run.stopped',
  source: '/flink-job-scheduler',
  subject: EXAMPLE_IDS.job,
  time: '2026-11-24T10:05:02.118Z',
  datacontenttype: 'application/json',
  sequence: '1043',
  data: EXECUTION_EXAMPLE,
};

export const EVENT_LIST_EXAMPLE = { events: [CLOUD_EVENT_EXAMPLE], nextAfter: '1043' };

export const UNKNOWN_EVENT_POSITION_PROBLEM = problemDocument(
  validationProblem([
    {
      path: 'after',
      message: "no stored event has the sequence or id '17' (events older than the retention are removed)",
    },
  ]),
  '/api/v1/events',
);
