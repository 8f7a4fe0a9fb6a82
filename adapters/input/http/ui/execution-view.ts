import { mayBeOnFlink, type Execution } from '../../../../domain/entities/execution.js';
import { flinkJobPage } from '../flink-web-page.js';
import { programArguments, type Job } from '../../../../domain/entities/job.js';
import { argumentList } from './job-views.js';
import { instant, markup, statusBadge, type Markup } from './page-shell.js';

/** A run, and the arguments it was submitted with when it records them. */

export interface ExecutionPageContent {
  execution: Execution;
  /** Its job; null once the job is deleted (its runs stay readable). */
  job: Job | null;
  /** Flink's web UI as a browser reaches it. */
  flinkWebUrl: string;
}

/** The body of `/ui/executions/{id}`: what the run is, how it ended, its Flink job and its status history. */
export function executionBody({ execution, job, flinkWebUrl }: ExecutionPageContent): Markup {
  const jobLink = job
    ? markup`<a href="/ui/jobs/${job.id}">${job.name}</a>`
    : markup`<code>${execution.jobId}</code> <span class="muted">(deleted)</span>`;
  return markup`<h1>Run <code>${execution.id}</code> ${statusBadge(execution.status)}</h1>
<dl>
<dt>Job</dt><dd>${jobLink}</dd>
<dt>Trigger</dt><dd>${execution.trigger}, attempt ${execution.attempt}${execution.requestedBy ? `, by ${execution.requestedBy}` : ''}</dd>
${execution.scheduledFor ? markup`<dt>Scheduled for</dt><dd>${instant(execution.scheduledFor)}</dd>` : ''}
${execution.retryOf ? markup`<dt>Retry of</dt><dd><a href="/ui/executions/${execution.retryOf}"><code>${execution.retryOf}</code></a></dd>` : ''}
<dt>Created</dt><dd>${instant(execution.createdAt)}</dd>
<dt>Started</dt><dd>${instant(execution.startedAt)}</dd>
<dt>Ended</dt><dd>${instant(execution.endedAt)}</dd>
<dt>Flink job</dt><dd>${flinkJob(execution, flinkWebUrl)}</dd>
${execution.restoredFrom ? markup`<dt>Restored from</dt><dd>${execution.restoredFrom.kind ?? 'savepoint'} <code>${execution.restoredFrom.savepointPath}</code></dd>` : ''}
${execution.savepointPath ? markup`<dt>Savepoint</dt><dd><code>${execution.savepointPath}</code></dd>` : ''}
</dl>
${execution.error ? markup`<h2>Error</h2><pre class="error"><strong>${execution.error.code}</strong>\n${execution.error.message}</pre>` : ''}
<h2>Program arguments</h2>${programArgumentsOf(execution, job)}
<h2>Status history</h2>${statusHistory(execution)}`;
}

/** Flink's page of the job, once Flink may know it: under "running" while the run goes on, else "completed". */
function flinkJob(execution: Execution, flinkWebUrl: string): Markup {
  if (!mayBeOnFlink(execution)) return markup`<code>${execution.flinkJobId}</code> <span class="muted">(not submitted)</span>`;
  const href = flinkJobPage(flinkWebUrl, execution);
  return markup`<a href="${href}" rel="noreferrer"><code>${execution.flinkJobId}</code></a> <span class="muted">(Flink web UI)</span>`;
}

function programArgumentsOf(execution: Execution, job: Job | null): Markup {
  if (execution.programArgs) return argumentList(execution.programArgs);
  if (!job) return markup`<p class="empty">Unknown: the job is deleted.</p>`;
  return markup`<p class="muted">The job's current arguments (this run does not record its own):</p>${argumentList(programArguments(job))}`;
}

function statusHistory(execution: Execution): Markup {
  const rows = execution.history.map(
    (entry) => markup`<tr><td>${statusBadge(entry.status)}</td><td>${instant(entry.at)}</td><td>${entry.detail ?? ''}</td></tr>`,
  );
  return markup`<table class="history">
<thead><tr><th>Status</th><th>At</th><th>Detail</th></tr></thead>
<tbody>${rows}</tbody>
</table>`;
}
