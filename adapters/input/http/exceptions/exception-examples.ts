import { EXAMPLE_IDS } from '../example-ids.js';
import { domainProblem, problemDocument } from '../problem.js';

/** Examples of the OpenAPI document for a run's exceptions: a task that threw, and the restart strategy giving up. */

const TASK_FAILURE = 'java.lang.RuntimeException: TestJob task failure: boom';

const CONCURRENT_EXAMPLE = {
  timestamp: '2026-11-24T10:03:12.204Z',
  exceptionName: 'java.lang.RuntimeException',
  message: TASK_FAILURE,
  taskName: 'Source: sequence -> fail -> discard: Writer (1/1) - execution #0',
  location: 'taskmanager-1:35611',
  taskManagerId: 'taskmanager-1',
  failureLabels: {},
  stacktrace: `${TASK_FAILURE}\n\tat com.example.flinkjob.TestJob$FailAt.map(TestJob.java:194)\n`,
  stacktraceTruncated: false,
};

export const EXECUTION_EXCEPTIONS_EXAMPLE = {
  executionId: EXAMPLE_IDS.execution,
  flinkJobId: '8c752f9130014912952a262aacea6668',
  exceptions: [
    {
      timestamp: '2026-11-24T10:03:12.230Z',
      exceptionName: 'org.apache.flink.runtime.JobException',
      message: TASK_FAILURE,
      taskName: null,
      location: null,
      taskManagerId: null,
      failureLabels: {},
      stacktrace:
        'org.apache.flink.runtime.JobException: Recovery is suppressed by NoRestartBackoffTimeStrategy\n' +
        '\tat org.apache.flink.runtime.executiongraph.failover.ExecutionFailureHandler.handleFailure(ExecutionFailureHandler.java:219)\n' +
        `Caused by: ${TASK_FAILURE}\n\tat com.example.flinkjob.TestJob$FailAt.map(TestJob.java:194)\n`,
      stacktraceTruncated: false,
      concurrent: [CONCURRENT_EXAMPLE],
    },
  ],
  truncated: false,
  note: null,
};

export const FLINK_UNREACHABLE_PROBLEM = problemDocument(
  domainProblem(
    'FLINK_UNREACHABLE',
    'Flink JobManager at http://flink:8081 is unreachable (GET /jobs/8c752f9130014912952a262aacea6668/exceptions: connect ECONNREFUSED)',
  ),
  `/api/v1/executions/${EXAMPLE_IDS.execution}/exceptions`,
);

export const FLINK_REQUEST_FAILED_PROBLEM = problemDocument(
  domainProblem('FLINK_REQUEST_FAILED', 'Flink answered GET /jobs/8c752f9130014912952a262aacea6668/exceptions with 500: Internal server error'),
  `/api/v1/executions/${EXAMPLE_IDS.execution}/exceptions`,
);
