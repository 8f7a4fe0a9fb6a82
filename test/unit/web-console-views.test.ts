import { describe, expect, it } from 'vitest';
import { executionBody } from '../../adapters/input/http/ui/execution-view.js';
import { runTimeline } from '../../adapters/input/http/ui/run-timeline.js';
import { newExecution, skippedExecution, transition, type Execution } from '../../domain/entities/execution.js';
import { createJob } from '../../domain/entities/job.js';
import { RETRY_DEFAULTS } from '../../domain/entities/retry-policy.js';

const at = (seconds: number) => new Date(Date.UTC(2026, 10, 30, 9, 0, seconds));
const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const JOB_ID = id(99);

const job = createJob(
  {
    name: 'report',
    description: null,
    jarURL: 'http://jars.example/report.jar',
    entryClass: 'com.example.Report',
    config: { day: 'today' },
    args: ['--verbose'],
    parallelism: null,
    flinkConfiguration: {},
    jarSha256: null,
    timeoutSeconds: null,
    labels: {},
    retryPolicy: RETRY_DEFAULTS,
    restore: null,
    allowNonRestoredState: false,
    claimMode: 'NO_CLAIM',
    savepointPolicy: null,
  },
  JOB_ID,
  at(0),
);

/** A manual run created at `from` that went through Flink to `to` (RUNNING at `from` + 1 s), or is still running. */
function run(n: number, from: number, end?: { at: number; status: 'SUCCEEDED' | 'FAILED' }): Execution {
  let execution = newExecution({ id: id(n), jobId: JOB_ID, trigger: 'manual', now: at(from) });
  for (const status of ['DOWNLOADING', 'UPLOADING', 'SUBMITTING', 'RUNNING'] as const) {
    execution = transition(execution, status, at(from + 1));
  }
  return end ? transition(execution, end.status, at(end.at)) : execution;
}

const attribute = (markup: string, executionId: string, name: string) =>
  Number(new RegExp(`data-execution-id="${executionId}"[^>]*? ${name}="([\\d.]+)"`).exec(markup)?.[1]);

describe('the run time line', () => {
  it('draws one bar per run along the axis, in its status colour, longer for a longer run', () => {
    const svg = String(
      runTimeline([run(1, 0, { at: 11, status: 'SUCCEEDED' }), run(2, 20, { at: 26, status: 'FAILED' })], at(60)),
    );
    expect(svg).toMatch(new RegExp(`<rect class="bar s-SUCCEEDED" data-execution-id="${id(1)}"`));
    expect(svg).toMatch(new RegExp(`<rect class="bar s-FAILED" data-execution-id="${id(2)}"`));
    expect(attribute(svg, id(2), 'x')).toBeGreaterThan(attribute(svg, id(1), 'x'));
    expect(attribute(svg, id(1), 'width')).toBeGreaterThan(attribute(svg, id(2), 'width'));
    expect(svg).toContain(`<a href="/ui/executions/${id(1)}">`);
  });

  it('runs a bar that is still going on up to now', () => {
    const early = String(runTimeline([run(1, 0, { at: 5, status: 'SUCCEEDED' }), run(2, 10)], at(20)));
    const later = String(runTimeline([run(1, 0, { at: 5, status: 'SUCCEEDED' }), run(2, 10)], at(40)));
    const share = (svg: string) => attribute(svg, id(2), 'width') / attribute(svg, id(1), 'width');
    expect(share(later)).toBeGreaterThan(share(early));
  });

  it('marks skipped ticks on a row of their own, not as bars', () => {
    const skipped = skippedExecution({
      id: id(3),
      jobId: JOB_ID,
      scheduledFor: at(30),
      reason: { code: 'OVERLAP', message: 'a run of the job was still active' },
      now: at(30),
    });
    const svg = String(runTimeline([run(1, 0), skipped], at(60)));
    expect(svg).toMatch(new RegExp(`<line class="skip" data-execution-id="${id(3)}"`));
    expect(svg).not.toMatch(new RegExp(`<rect[^>]*data-execution-id="${id(3)}"`));
    expect(svg).toContain('SKIPPED: a run of the job was still active');
  });

  it('says so when there is nothing to draw', () => {
    expect(String(runTimeline([], at(0)))).toContain('No runs on this page yet.');
  });
});

describe('the run page', () => {
  const flinkWebUrl = 'http://flink.example:8081';

  it("links Flink's page of the job under running while it runs, and under completed once it ended", () => {
    const running = String(executionBody({ execution: run(1, 0), job, flinkWebUrl }));
    expect(running).toContain(`href="${flinkWebUrl}/#/job/running/${run(1, 0).flinkJobId}/overview"`);
    const ended = String(executionBody({ execution: run(1, 0, { at: 9, status: 'FAILED' }), job, flinkWebUrl }));
    expect(ended).toContain(`href="${flinkWebUrl}/#/job/completed/${run(1, 0).flinkJobId}/overview"`);
  });

  it('links no Flink page for a run Flink never received', () => {
    const pending = newExecution({ id: id(4), jobId: JOB_ID, trigger: 'manual', now: at(0) });
    const page = String(executionBody({ execution: pending, job, flinkWebUrl }));
    expect(page).not.toContain(flinkWebUrl);
    expect(page).toContain('(not submitted)');
  });

  it("shows the arguments the run recorded, else the job's, escaped", () => {
    const recorded = { ...run(1, 0), programArgs: ['--day', '<yesterday>'] };
    const own = String(executionBody({ execution: recorded, job, flinkWebUrl }));
    expect(own).toContain('<li><code>&lt;yesterday&gt;</code></li>');
    expect(own).not.toContain('--verbose');
    const fromJob = String(executionBody({ execution: run(1, 0), job, flinkWebUrl }));
    expect([...fromJob.matchAll(/<li><code>([^<]*)<\/code><\/li>/g)].map((match) => match[1])).toEqual([
      '--day',
      'today',
      '--verbose',
    ]);
    expect(String(executionBody({ execution: run(1, 0), job: null, flinkWebUrl }))).toContain('the job is deleted');
  });
});
