import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  causeOfErrorBody,
  causeOfJobExceptions,
  isDuplicateSubmission,
  rootCauseOf,
} from '../../adapters/output/flink/flink-errors.js';
import { jobPlanOf } from '../../adapters/output/flink/flink-plan.js';
import { savepointStatusOf } from '../../adapters/output/flink/flink-states.js';

/** Bodies captured from local Flink 1.20.5 and 2.3.0 clusters running test/flink-job; see fixtures/flink/README.md. */
function fixture(version: string, name: string): string {
  return readFileSync(new URL(`./fixtures/flink/${version}/${name}`, import.meta.url), 'utf8');
}

const STACK_FRAME = /\n\s+at |Caused by:/;

describe.each(['1.20.5', '2.3.0'])('Flink %s error bodies reduce to their cause', (version) => {
  it.each([
    ['run-main-failure.json', 'java.lang.IllegalArgumentException: TestJob main failure: captured'],
    [
      'run-savepoint-missing.json',
      "java.io.FileNotFoundException: Cannot find checkpoint or savepoint file/directory 'file:///nonexistent/savepoint-x' on file system 'file'.",
    ],
    ['run-unknown-entry-class.json', 'java.lang.ClassNotFoundException: com.example.Nope'],
    ['plan-main-failure.json', 'java.lang.IllegalArgumentException: TestJob main failure: captured'],
    ['plan-unknown-entry-class.json', 'java.lang.ClassNotFoundException: com.example.Nope'],
    ['run-jar-missing.json', 'Jar file /opt/flink/web-upload/flink-web-upload/nope.jar does not exist'],
    [
      'job-not-found.json',
      'org.apache.flink.runtime.messages.FlinkJobNotFoundException: Could not find Flink job (0000000000000000000000000000dead)',
    ],
    ['delete-jar-missing.json', 'File nope.jar does not exist in /opt/flink/web-upload/flink-web-upload.'],
    [
      'cancel-finished-job.json',
      'Job cancellation failed because the job has already reached another terminal state (FINISHED).',
    ],
    ['upload-not-a-jar.json', 'Only Jar files are allowed.'],
    ['unknown-route.json', 'Unable to load requested file /nope.'],
  ])('%s', (name, cause) => {
    const reduced = causeOfErrorBody(fixture(version, name));
    expect(reduced).toBe(cause);
    expect(reduced).not.toMatch(STACK_FRAME);
  });

  it('recognises a refused duplicate job id, and nothing else as one', () => {
    expect(isDuplicateSubmission(causeOfErrorBody(fixture(version, 'run-duplicate-job-id.json')) ?? '')).toBe(true);
    for (const other of ['run-main-failure.json', 'run-savepoint-missing.json', 'run-jar-missing.json']) {
      expect(isDuplicateSubmission(causeOfErrorBody(fixture(version, other)) ?? '')).toBe(false);
    }
  });

  it("reads the job graph of a plan: the job's name and each vertex, its chained operators one per line", () => {
    expect(jobPlanOf(JSON.parse(fixture(version, 'plan-bounded.json')))).toEqual({
      flinkJobName: 'TestJob bounded',
      vertices: [{ id: expect.any(String), description: 'Source: sequence\n+- square\n   +- discard: Writer', parallelism: 2 }],
    });
  });

  it('finds the task failure behind "Recovery is suppressed" in the exception history', () => {
    const body: unknown = JSON.parse(fixture(version, 'exceptions-task-failure.json'));
    expect(causeOfJobExceptions(body)).toBe('java.lang.RuntimeException: TestJob task failure: captured');
  });

  it('finds why the JobMaster could not start in the exception history', () => {
    const body: unknown = JSON.parse(fixture(version, 'exceptions-restore-failure.json'));
    expect(causeOfJobExceptions(body)).toMatch(/^java\.io\.FileNotFoundException: Cannot find checkpoint or savepoint/);
  });

  it('reports a savepoint that could not be written as failed, with the I/O cause', () => {
    expect(savepointStatusOf(JSON.parse(fixture(version, 'savepoint-failed-directory.json')))).toEqual({
      kind: 'failed',
      cause: 'java.io.IOException: Failed to create savepoint directory at file:/proc/forbidden-savepoints',
    });
  });
});

describe('error reduction beyond the captured bodies', () => {
  it('names the duplicate refusal of both major versions', () => {
    expect(causeOfErrorBody(fixture('1.20.5', 'run-duplicate-job-id.json'))).toBe(
      'org.apache.flink.runtime.client.DuplicateJobSubmissionException: Job has already been submitted.',
    );
    expect(causeOfErrorBody(fixture('2.3.0', 'run-duplicate-job-id.json'))).toBe(
      'org.apache.flink.runtime.client.DuplicateApplicationSubmissionException: Application has already been submitted.',
    );
  });

  it('reads the 1.20-only root-exception when there is no exception history', () => {
    const { 'root-exception': rootException, 'all-exceptions': allExceptions } = JSON.parse(
      fixture('1.20.5', 'exceptions-task-failure.json'),
    ) as Record<string, unknown>;
    expect(causeOfJobExceptions({ 'root-exception': rootException, 'all-exceptions': allExceptions })).toBe(
      'java.lang.RuntimeException: TestJob task failure: captured',
    );
  });

  it('falls back to the first concurrent exception when the history entry has no cause of its own', () => {
    const entry = {
      stacktrace:
        'org.apache.flink.runtime.JobException: Recovery is suppressed by NoRestartBackoffTimeStrategy\n' +
        '\tat org.apache.flink.runtime.executiongraph.failover.ExecutionFailureHandler.handleFailure(ExecutionFailureHandler.java:219)\n',
      concurrentExceptions: [
        { stacktrace: 'java.lang.IllegalStateException: sink closed\n\tat com.example.Sink.invoke(Sink.java:12)\n' },
      ],
    };
    expect(causeOfJobExceptions({ exceptionHistory: { entries: [entry], truncated: false } })).toBe(
      'java.lang.IllegalStateException: sink closed',
    );
  });

  it('follows the Caused by chain, not the causes of suppressed exceptions', () => {
    const trace = [
      'java.lang.RuntimeException: outer',
      '\tat a.B.c(B.java:1)',
      '\tSuppressed: java.io.IOException: close failed',
      '\t\tat a.B.close(B.java:9)',
      '\tCaused by: java.lang.Error: inside suppressed',
      'Caused by: java.lang.IllegalStateException: the real one',
      'spanning two lines',
      '\tat a.B.d(B.java:2)',
      '\t... 3 more',
    ].join('\n');
    expect(rootCauseOf(trace)).toBe('java.lang.IllegalStateException: the real one\nspanning two lines');
  });

  it('names the class once when a serialized copy repeats it in its message', () => {
    const trace = [
      'java.util.concurrent.CompletionException: java.lang.RuntimeException: checkpoint declined',
      'Caused by: java.lang.UnsupportedOperationException: java.lang.UnsupportedOperationException: Not supported yet',
      '\tat com.example.flinkjob.RefuseSnapshot.snapshotState(RefuseSnapshot.java:32)',
    ].join('\n');
    expect(rootCauseOf(trace)).toBe('java.lang.UnsupportedOperationException: Not supported yet');
    expect(rootCauseOf('java.lang.IllegalStateException: java.io.IOException: disk full')).toBe(
      'java.lang.IllegalStateException: java.io.IOException: disk full',
    );
  });

  it('keeps plain messages and cuts short what is not Flink JSON', () => {
    expect(causeOfErrorBody('{"errors":["Service temporarily unavailable due to an ongoing leader election. Please refresh."]}')).toBe(
      'Service temporarily unavailable due to an ongoing leader election. Please refresh.',
    );
    expect(causeOfErrorBody('<html>' + 'x'.repeat(2000))).toHaveLength(503);
    expect(causeOfErrorBody('')).toBeUndefined();
  });

  it('tells a savepoint in progress and one taken apart', () => {
    expect(savepointStatusOf({ status: { id: 'IN_PROGRESS' }, operation: null })).toEqual({ kind: 'in-progress' });
    expect(
      savepointStatusOf({ status: { id: 'COMPLETED' }, operation: { location: 'file:/opt/flink/savepoints/savepoint-000000-65ca0d8368a8' } }),
    ).toEqual({ kind: 'completed', location: 'file:/opt/flink/savepoints/savepoint-000000-65ca0d8368a8' });
  });

  it('reports the stop of a job that already ended as a failed savepoint (1.20.5)', () => {
    expect(savepointStatusOf(JSON.parse(fixture('1.20.5', 'savepoint-failed-job-finished.json')))).toEqual({
      kind: 'failed',
      cause:
        'org.apache.flink.runtime.messages.FlinkJobNotFoundException: Could not find Flink job (00000000000000000000000000000001)',
    });
  });
});
