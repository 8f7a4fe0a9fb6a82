import { EXAMPLE_IDS } from '../example-ids.js';
import { JOB_DEFINITION_EXAMPLE } from '../jobs/job-examples.js';
import { domainProblem, problemDocument } from '../problem.js';

/** Examples of the OpenAPI document for a job's plan check: `nightly-aggregation`, one chain of operators. */

const PLAN_PATH = `/api/v1/jobs/${EXAMPLE_IDS.job}/plan`;

export const PLAN_REQUEST_EXAMPLE = { definition: { ...JOB_DEFINITION_EXAMPLE, jarURL: '/jars/aggregation-2.jar' } };

export const PLAN_CHECK_EXAMPLE = {
  ok: true,
  plan: {
    flinkJobName: 'nightly-aggregation',
    vertices: [
      { id: 'cbc357ccb763df2852fee8c4fc7d55f2', description: 'Source: clicks\n+- Timestamps/Watermarks', parallelism: 4 },
      { id: '90bea66de1c231edf33913ecd54406c1', description: 'hourly totals\n+- Sink: warehouse', parallelism: 4 },
    ],
  },
};

export const JOB_GRAPH_FAILED_PROBLEM = problemDocument(
  domainProblem(
    'JOB_GRAPH_FAILED',
    `The job graph of job '${EXAMPLE_IDS.job}' cannot be built: java.lang.ClassNotFoundException: com.example.Aggregation`,
  ),
  PLAN_PATH,
);

export const JAR_DOWNLOAD_FAILED_PROBLEM = problemDocument(
  domainProblem('JAR_DOWNLOAD_FAILED', 'Downloading http://data-processor:8080/jars/aggregation-2.jar failed: HTTP 404 Not Found'),
  PLAN_PATH,
);

export const PLAN_FLINK_UNREACHABLE_PROBLEM = problemDocument(
  domainProblem('FLINK_UNREACHABLE', 'Flink JobManager at http://flink:8081 is unreachable (POST /jars/upload: connect ECONNREFUSED)'),
  PLAN_PATH,
);
