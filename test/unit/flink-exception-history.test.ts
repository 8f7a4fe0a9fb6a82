import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { exceptionHistoryOf } from '../../adapters/output/flink/flink-exception-history.js';
import { STACKTRACE_LIMIT } from '../../domain/entities/flink-exception.js';

/** Bodies captured from local Flink 1.20.5 and 2.3.0 clusters running test/flink-job; see fixtures/flink/README.md. */
function fixture(version: string, name: string): unknown {
  return JSON.parse(readFileSync(new URL(`./fixtures/flink/${version}/${name}`, import.meta.url), 'utf8'));
}

const TASK_FAILURE = 'java.lang.RuntimeException: TestJob task failure: captured';
const TASK = 'Source: sequence -> fail -> discard: Writer (1/1) - execution #0';

describe.each(['1.20.5', '2.3.0'])("Flink %s's exception history, in the service's words", (version) => {
  it('a task failure: the restart strategy giving up, its root cause, and the failed task as a concurrent exception', () => {
    const history = exceptionHistoryOf(fixture(version, 'exceptions-task-failure.json'));
    expect(history.truncated).toBe(false);
    expect(history.exceptions).toHaveLength(1);
    const [entry] = history.exceptions;
    expect(entry).toMatchObject({
      exceptionName: 'org.apache.flink.runtime.JobException',
      message: TASK_FAILURE,
      taskName: null,
      location: null,
      failureLabels: {},
      stacktraceTruncated: false,
    });
    expect(entry!.timestamp).toBeInstanceOf(Date);
    expect(entry!.stacktrace).toMatch(/^org\.apache\.flink\.runtime\.JobException: Recovery is suppressed/);
    expect(entry!.concurrent).toEqual([
      {
        timestamp: expect.any(Date),
        exceptionName: 'java.lang.RuntimeException',
        message: TASK_FAILURE,
        taskName: TASK,
        // 2.x names the address `endpoint` only; 1.20 also `location`.
        location: expect.stringMatching(/^localhost:\d+$/),
        taskManagerId: expect.stringMatching(/^local-taskmanager-/),
        failureLabels: {},
        stacktrace: expect.stringMatching(new RegExp(`^${TASK_FAILURE.replaceAll('.', '\\.')}\\n\\tat `)),
        stacktraceTruncated: false,
      },
    ]);
  });

  it('a job that finished: no exceptions (1.20 still sends the old fields, empty)', () => {
    expect(exceptionHistoryOf(fixture(version, 'exceptions-none.json'))).toEqual({ exceptions: [], truncated: false });
  });

  it('a restore that failed: a failure of the job as a whole, reduced to the missing savepoint', () => {
    const [entry, ...rest] = exceptionHistoryOf(fixture(version, 'exceptions-restore-failure.json')).exceptions;
    expect(rest).toEqual([]);
    expect(entry).toMatchObject({
      exceptionName: 'org.apache.flink.runtime.client.JobInitializationException',
      message:
        "java.io.FileNotFoundException: Cannot find checkpoint or savepoint file/directory 'file:///nonexistent/savepoint-x' on file system 'file'.",
      taskName: null,
      location: null,
      taskManagerId: null,
      concurrent: [],
    });
  });
});

describe('exception history shapes and limits', () => {
  it('reads the shape from before exceptionHistory (root-exception, all-exceptions) when there is no history', () => {
    const history = exceptionHistoryOf({
      'root-exception': `${TASK_FAILURE}\n\tat com.example.Job.map(Job.java:1)\n`,
      timestamp: 1_795_550_903_246,
      'all-exceptions': [{ exception: `${TASK_FAILURE}\n\tat x(y)\n`, task: 'map (1/1)', location: 'tm:1', timestamp: 1_795_550_903_223 }],
      truncated: true,
    });
    expect(history).toEqual({
      truncated: true,
      exceptions: [
        expect.objectContaining({
          exceptionName: 'java.lang.RuntimeException',
          message: TASK_FAILURE,
          timestamp: new Date(1_795_550_903_246),
          concurrent: [expect.objectContaining({ taskName: 'map (1/1)', location: 'tm:1', message: TASK_FAILURE })],
        }),
      ],
    });
  });

  it('prefers the history to the older fields when both are there, and answers an empty list for a job without failures', () => {
    const body = fixture('1.20.5', 'exceptions-task-failure.json') as Record<string, unknown>;
    expect(exceptionHistoryOf({ ...body, 'root-exception': 'java.lang.Error: not this one' }).exceptions[0]!.message).toBe(TASK_FAILURE);
    expect(exceptionHistoryOf({ exceptionHistory: { entries: [], truncated: false } })).toEqual({ exceptions: [], truncated: false });
    expect(exceptionHistoryOf({ 'root-exception': null, 'all-exceptions': [], truncated: false })).toEqual({ exceptions: [], truncated: false });
    expect(exceptionHistoryOf({})).toEqual({ exceptions: [], truncated: false });
  });

  it('cuts a long stack trace and says so; the message is still the root cause', () => {
    const frames = '\tat com.example.Deep.call(Deep.java:1)\n'.repeat(2_000);
    const stacktrace = `org.apache.flink.runtime.JobException: Recovery is suppressed\n${frames}Caused by: ${TASK_FAILURE}\n${frames}`;
    const [entry] = exceptionHistoryOf({ exceptionHistory: { entries: [{ exceptionName: 'x', stacktrace, timestamp: 1 }], truncated: true } })
      .exceptions;
    expect(entry!.stacktrace).toHaveLength(STACKTRACE_LIMIT);
    expect(entry!.stacktraceTruncated).toBe(true);
    expect(entry!.message).toBe(TASK_FAILURE);
  });
});
