import { programArguments, type Job } from '../../../../domain/entities/job.js';
import type { Execution } from '../../../../domain/entities/execution.js';
import type { ScheduleView } from '../../../../domain/ports/input/job-schedules.js';
import type { JobView } from '../../../../domain/ports/input/job-views.js';
import { duration, instant, markup, pager, statusBadge, type Markup } from './page-shell.js';
import { runTimeline } from './run-timeline.js';

/** The body of `/ui`: every job with its schedule, next run times and last run. */
export function jobListBody(jobs: JobView[], nextContinuationToken: string | null, onLaterPage: boolean): Markup {
  const rows = jobs.map(
    ({ job, schedule, lastExecution }) => markup`<tr>
<td><a href="/ui/jobs/${job.id}">${job.name}</a></td>
<td>${schedule ? scheduleSummary(schedule) : markup`<span class="muted">none</span>`}</td>
<td>${schedule?.nextRunTimes.slice(0, 3).map((at) => markup`${instant(at)}<br>`) ?? ''}</td>
<td>${lastExecution ? markup`<a href="/ui/executions/${lastExecution.id}">${statusBadge(lastExecution.status)}</a> ${instant(lastExecution.createdAt)}` : markup`<span class="muted">never run</span>`}</td>
</tr>`,
  );
  const table = markup`<table class="jobs">
<thead><tr><th>Job</th><th>Schedule</th><th>Next runs</th><th>Last run</th></tr></thead>
<tbody>${rows}</tbody>
</table>`;
  const empty = markup`<p class="empty">No jobs yet. Create one with <code>POST /api/v1/jobs</code> (see the <a href="/docs">API reference</a>).</p>`;
  return markup`<h1>Jobs</h1>${jobs.length > 0 ? table : empty}${pager('/ui', nextContinuationToken, onLaterPage)}`;
}

function scheduleSummary({ schedule, ended }: ScheduleView): Markup {
  const state = schedule.paused
    ? markup` <span class="badge paused">paused</span>`
    : ended
      ? markup` <span class="badge">ended</span>`
      : '';
  return markup`<code>${schedule.cron}</code> <span class="muted">${schedule.timezone}</span>${state}`;
}

export interface JobPageContent {
  view: JobView;
  executions: Execution[];
  nextContinuationToken: string | null;
  onLaterPage: boolean;
  now: Date;
}

/** The body of `/ui/jobs/{id}`: the definition, the schedule, the runs of this page on a time line and in a table. */
export function jobBody({ view, executions, nextContinuationToken, onLaterPage, now }: JobPageContent): Markup {
  const { job, schedule } = view;
  return markup`<h1>${job.name}</h1>
<h2>Definition</h2>${definition(job)}
<h2>Schedule</h2>${schedule ? scheduleDetails(schedule) : markup`<p class="empty">No schedule: runs only when started.</p>`}
<h2>Runs</h2>${runTimeline(executions, now)}
<h2>Run history</h2>${runTable(executions, now)}
${pager(`/ui/jobs/${job.id}`, nextContinuationToken, onLaterPage)}`;
}

function definition(job: Job): Markup {
  const map = (entries: Record<string, string>) =>
    Object.keys(entries).length === 0
      ? markup`<span class="muted">none</span>`
      : Object.entries(entries).map(([key, value]) => markup`<code>${key}=${value}</code><br>`);
  return markup`<dl>
<dt>Id</dt><dd><code>${job.id}</code></dd>
<dt>Description</dt><dd>${job.description ?? markup`<span class="muted">none</span>`}</dd>
<dt>JAR</dt><dd><code>${job.jarURL}</code>${job.jarSha256 ? markup`<br><span class="muted">SHA-256 ${job.jarSha256}</span>` : ''}</dd>
<dt>Entry class</dt><dd><code>${job.entryClass}</code></dd>
<dt>Program arguments</dt><dd>${argumentList(programArguments(job))}</dd>
<dt>Parallelism</dt><dd>${job.parallelism ?? markup`<span class="muted">Flink's default</span>`}</dd>
<dt>Flink configuration</dt><dd>${map(job.flinkConfiguration)}</dd>
<dt>Timeout</dt><dd>${job.timeoutSeconds === null ? markup`<span class="muted">none</span>` : duration(job.timeoutSeconds * 1000)}</dd>
<dt>Labels</dt><dd>${map(job.labels)}</dd>
<dt>Version</dt><dd>${job.version}, updated ${instant(job.updatedAt)}</dd>
</dl>`;
}

/** Program arguments, one per line, each exactly as Flink receives it. */
export function argumentList(args: string[]): Markup {
  if (args.length === 0) return markup`<span class="muted">none</span>`;
  return markup`<ol class="args">${args.map((arg) => markup`<li><code>${arg}</code></li>`)}</ol>`;
}

function scheduleDetails(view: ScheduleView): Markup {
  const { schedule } = view;
  const { runsStarted, ticksSkipped, ticksMissed } = schedule.counters;
  return markup`<dl>
<dt>Cron</dt><dd>${scheduleSummary(view)}</dd>
${schedule.paused && schedule.pauseNote ? markup`<dt>Pause note</dt><dd>${schedule.pauseNote}</dd>` : ''}
<dt>Overlap policy</dt><dd><code>${schedule.overlapPolicy}</code></dd>
<dt>Next runs</dt><dd>${view.nextRunTimes.length === 0 ? markup`<span class="muted">none</span>` : view.nextRunTimes.map((at) => markup`${instant(at)}<br>`)}</dd>
<dt>Last tick</dt><dd>${instant(schedule.lastFireAt)}</dd>
<dt>Ticks</dt><dd>${runsStarted} started, ${ticksSkipped} skipped, ${ticksMissed} missed</dd>
</dl>`;
}

function runTable(executions: Execution[], now: Date): Markup {
  if (executions.length === 0) return markup`<p class="empty">No runs yet.</p>`;
  const rows = executions.map((execution) => {
    const end = execution.endedAt ?? (execution.startedAt ? now : null);
    const took = execution.startedAt && end ? duration(end.getTime() - execution.startedAt.getTime()) : '';
    return markup`<tr data-execution-id="${execution.id}">
<td><a href="/ui/executions/${execution.id}"><code>${execution.id.slice(0, 8)}</code></a></td>
<td>${statusBadge(execution.status)}</td>
<td>${execution.trigger}${execution.attempt > 1 ? ` (attempt ${execution.attempt})` : ''}</td>
<td>${instant(execution.createdAt)}</td><td>${instant(execution.startedAt)}</td><td>${instant(execution.endedAt)}</td>
<td>${took}</td>
<td>${execution.error ? markup`<code>${execution.error.code}</code>` : ''}</td>
</tr>`;
  });
  return markup`<table class="runs">
<thead><tr><th>Run</th><th>Status</th><th>Trigger</th><th>Created</th><th>Started</th><th>Ended</th><th>Took</th><th>Error</th></tr></thead>
<tbody>${rows}</tbody>
</table>`;
}
