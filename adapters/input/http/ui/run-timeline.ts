import type { Execution } from '../../../../domain/entities/execution.js';
import { duration, markup, type Markup } from './page-shell.js';

/** The drawing's coordinates: the SVG scales to the page's width, text with it. */
const WIDTH = 1000;
const LABEL_WIDTH = 170;
const ROW_HEIGHT = 20;
const BAR_HEIGHT = 12;
const AXIS_HEIGHT = 24;
const TICKS = 5;

interface Span {
  execution: Execution;
  from: number;
  to: number;
}

/**
 * A job's runs along a time axis, oldest at the top: one bar per run from its start (its creation until it started)
 * to its end (now while it goes on), coloured by status, each a link to its page; SKIPPED ticks are marks on a row
 * of their own. Plain SVG: no script, no inline style.
 */
export function runTimeline(executions: Execution[], now: Date): Markup {
  const spans = executions
    .filter((execution) => execution.status !== 'SKIPPED')
    .map((execution) => spanOf(execution, now.getTime()))
    .sort((a, b) => a.from - b.from);
  const skipped = executions.filter((execution) => execution.status === 'SKIPPED');
  if (spans.length === 0 && skipped.length === 0) return markup`<p class="empty">No runs on this page yet.</p>`;
  const instants = [...spans.flatMap((span) => [span.from, span.to]), ...skipped.map(skipTime)];
  const start = Math.min(...instants);
  const end = Math.max(...instants, start + 1000);
  const x = (at: number) => LABEL_WIDTH + ((at - start) / (end - start)) * (WIDTH - LABEL_WIDTH - 10);
  const rows = spans.length + (skipped.length > 0 ? 1 : 0);
  const height = rows * ROW_HEIGHT + AXIS_HEIGHT;
  return markup`<svg class="timeline" viewBox="0 0 ${WIDTH} ${height}" role="img" aria-label="Runs on a time line">
${axis(start, end, x, rows * ROW_HEIGHT)}
${spans.map((span, row) => bar(span, row, x))}
${skipped.length > 0 ? skipRow(skipped, spans.length, x) : ''}
</svg>`;
}

function spanOf(execution: Execution, now: number): Span {
  const from = (execution.startedAt ?? execution.createdAt).getTime();
  const ended = execution.endedAt?.getTime() ?? (isOver(execution) ? from : now);
  return { execution, from, to: Math.max(from, ended) };
}

const isOver = (execution: Execution) => ['SUCCEEDED', 'FAILED', 'STOPPED'].includes(execution.status);
const skipTime = (execution: Execution) => (execution.scheduledFor ?? execution.createdAt).getTime();

function bar({ execution, from, to }: Span, row: number, x: (at: number) => number): Markup {
  const y = row * ROW_HEIGHT + (ROW_HEIGHT - BAR_HEIGHT) / 2;
  const width = Math.max(3, x(to) - x(from));
  const label = `${execution.status} · ${execution.trigger} · ${duration(to - from)}`;
  return markup`<a href="/ui/executions/${execution.id}">
<text x="4" y="${y + BAR_HEIGHT - 2}">${execution.id.slice(0, 8)} ${execution.status}</text>
<rect class="bar s-${execution.status}" data-execution-id="${execution.id}" x="${round(x(from))}" y="${y}" width="${round(width)}" height="${BAR_HEIGHT}" rx="2"><title>${label}</title></rect>
</a>`;
}

function skipRow(skipped: Execution[], row: number, x: (at: number) => number): Markup {
  const top = row * ROW_HEIGHT + 3;
  const marks = skipped.map((execution) => {
    const at = round(x(skipTime(execution)));
    const reason = execution.error?.message ?? 'skipped';
    return markup`<a href="/ui/executions/${execution.id}"><line class="skip" data-execution-id="${execution.id}" x1="${at}" x2="${at}" y1="${top}" y2="${top + ROW_HEIGHT - 6}"><title>SKIPPED: ${reason}</title></line></a>`;
  });
  return markup`<text x="4" y="${top + BAR_HEIGHT}">skipped ticks</text>${marks}`;
}

function axis(start: number, end: number, x: (at: number) => number, bottom: number): Markup {
  const sameDay = new Date(start).toISOString().slice(0, 10) === new Date(end).toISOString().slice(0, 10);
  const ticks = Array.from({ length: TICKS }, (_, index) => start + ((end - start) * index) / (TICKS - 1));
  return markup`${ticks.map((at) => {
    const iso = new Date(at).toISOString();
    const text = end - start < 10_000 ? iso.slice(11, 23) : sameDay ? iso.slice(11, 19) : `${iso.slice(5, 10)} ${iso.slice(11, 16)}`;
    const anchor = at === end ? 'end' : at === start ? 'start' : 'middle';
    return markup`<line class="grid" x1="${round(x(at))}" x2="${round(x(at))}" y1="0" y2="${bottom}"></line><text x="${round(x(at))}" y="${bottom + 16}" text-anchor="${anchor}">${text}</text>`;
  })}<text x="4" y="${bottom + 16}">UTC</text>`;
}

const round = (value: number) => Math.round(value * 10) / 10;
