/**
 * Placeholders in a job's argument strings, resolved for each run: `{{scheduledFor}}`, `{{dataIntervalStart}}`,
 * `{{dataIntervalEnd}}`, `{{executionId}}`, `{{attempt}}`, `{{jobName}}`. An instant may take a format,
 * `{{dataIntervalStart | date:"yyyy-MM-dd"}}`, written in the schedule's time zone; without one it is written as
 * ISO 8601 in UTC. Every `{{ ... }}` in a string must be a placeholder this module knows: a mistyped one is refused
 * when the job is stored, not discovered when a run starts.
 */

export const INSTANT_PLACEHOLDERS = ['scheduledFor', 'dataIntervalStart', 'dataIntervalEnd'] as const;
export const VALUE_PLACEHOLDERS = ['executionId', 'attempt', 'jobName'] as const;

type InstantName = (typeof INSTANT_PLACEHOLDERS)[number];
type ValueName = (typeof VALUE_PLACEHOLDERS)[number];

/** What a run's placeholders stand for. */
export interface RunValues {
  scheduledFor: Date;
  dataIntervalStart: Date;
  dataIntervalEnd: Date;
  executionId: string;
  attempt: number;
  jobName: string;
  /** The IANA zone formatted instants are written in: the schedule's, else UTC. */
  timeZone: string;
}

/** A placeholder that cannot be read, with the reason; `placeholder` is its text as written. */
export class TemplateProblem {
  constructor(
    readonly placeholder: string,
    readonly reason: string,
  ) {}
}

const PLACEHOLDER = /\{\{(.*?)\}\}/gs;
const FILTERED = /^\s*([A-Za-z]+)\s*(?:\|\s*date\s*:\s*"((?:[^"\\]|\\.)*)"\s*)?$/s;

/** Whether the string holds any placeholder, so that one without can skip resolution. */
export function hasPlaceholders(text: string): boolean {
  return text.includes('{{');
}

/** What is wrong with the placeholders of `text`; empty when every one can be resolved. */
export function templateProblems(text: string): TemplateProblem[] {
  const problems: TemplateProblem[] = [];
  for (const match of text.matchAll(PLACEHOLDER)) {
    const problem = parsed(match[0], match[1]!);
    if (problem instanceof TemplateProblem) problems.push(problem);
  }
  return problems;
}

/** `text` with each placeholder replaced by its value for the run; throws on one `templateProblems` would name. */
export function resolveTemplate(text: string, values: RunValues): string {
  if (!hasPlaceholders(text)) return text;
  return text.replace(PLACEHOLDER, (whole, inner: string) => {
    const placeholder = parsed(whole, inner);
    if (placeholder instanceof TemplateProblem) throw new Error(`${placeholder.placeholder}: ${placeholder.reason}`);
    if (placeholder.kind === 'value') return String(values[placeholder.name]);
    const instant = values[placeholder.name];
    return placeholder.pattern === null ? instant.toISOString() : formatInstant(instant, placeholder.pattern, values.timeZone);
  });
}

type Placeholder = { kind: 'value'; name: ValueName } | { kind: 'instant'; name: InstantName; pattern: DateToken[] | null };

function parsed(whole: string, inner: string): Placeholder | TemplateProblem {
  const match = FILTERED.exec(inner);
  if (!match) return new TemplateProblem(whole, 'expected {{name}} or {{name | date:"pattern"}}');
  const name = match[1]!;
  const pattern = match[2];
  if ((VALUE_PLACEHOLDERS as readonly string[]).includes(name)) {
    if (pattern !== undefined) return new TemplateProblem(whole, `'${name}' is not an instant: it takes no date format`);
    return { kind: 'value', name: name as ValueName };
  }
  if (!(INSTANT_PLACEHOLDERS as readonly string[]).includes(name)) {
    const known = [...INSTANT_PLACEHOLDERS, ...VALUE_PLACEHOLDERS].join(', ');
    return new TemplateProblem(whole, `unknown placeholder '${name}'; known: ${known}`);
  }
  if (pattern === undefined) return { kind: 'instant', name: name as InstantName, pattern: null };
  const tokens = dateTokens(pattern.replace(/\\(.)/g, '$1'));
  if (tokens instanceof TemplateProblem) return new TemplateProblem(whole, tokens.reason);
  return { kind: 'instant', name: name as InstantName, pattern: tokens };
}

/** The pattern letters understood, as in java.time's DateTimeFormatter (the convention Flink users know). */
const FIELDS = {
  yyyy: 'year',
  yy: 'year2',
  MM: 'month',
  M: 'month1',
  dd: 'day',
  d: 'day1',
  HH: 'hour',
  H: 'hour1',
  mm: 'minute',
  ss: 'second',
  SSS: 'millisecond',
  XXX: 'offset',
  X: 'offsetShort',
} as const;

type Field = (typeof FIELDS)[keyof typeof FIELDS];
type DateToken = { literal: string } | { field: Field };

/** Longest letter runs first, so that `yyyy` is not read as two `yy`. */
const LETTER_RUNS = Object.keys(FIELDS).sort((a, b) => b.length - a.length);

function dateTokens(pattern: string): DateToken[] | TemplateProblem {
  if (pattern.length === 0) return new TemplateProblem('', 'the date format is empty');
  const tokens: DateToken[] = [];
  let at = 0;
  while (at < pattern.length) {
    const char = pattern[at]!;
    if (char === "'") {
      const quoted = quotedText(pattern, at);
      if (quoted === undefined) return new TemplateProblem('', `unclosed quote at position ${at + 1} of "${pattern}"`);
      tokens.push({ literal: quoted.text });
      at = quoted.end;
    } else if (/[A-Za-z]/.test(char)) {
      let run = at;
      while (pattern[run] === char) run++;
      const letters = pattern.slice(at, run);
      if (!LETTER_RUNS.includes(letters)) {
        return new TemplateProblem('', `'${letters}' in "${pattern}" is not a pattern this service knows; use ${LETTER_RUNS.join(', ')} and 'quoted text'`);
      }
      tokens.push({ field: FIELDS[letters as keyof typeof FIELDS] });
      at = run;
    } else {
      tokens.push({ literal: char });
      at++;
    }
  }
  return tokens;
}

/** The text of the quote opened at `start` (`''` is a quote, inside or out), and where reading goes on. */
function quotedText(pattern: string, start: number): { text: string; end: number } | undefined {
  if (pattern[start + 1] === "'") return { text: "'", end: start + 2 };
  let text = '';
  for (let at = start + 1; at < pattern.length; at++) {
    if (pattern[at] !== "'") {
      text += pattern[at];
    } else if (pattern[at + 1] === "'") {
      text += "'";
      at++;
    } else {
      return { text, end: at + 1 };
    }
  }
  return undefined;
}

function formatInstant(instant: Date, tokens: DateToken[], timeZone: string): string {
  const parts = zonedParts(instant, timeZone);
  return tokens.map((token) => ('literal' in token ? token.literal : parts[token.field])).join('');
}

/** Formats by zone: building one is far slower than using it. */
const formats = new Map<string, Intl.DateTimeFormat>();

function zoneFormat(timeZone: string): Intl.DateTimeFormat {
  let format = formats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      timeZoneName: 'longOffset',
    });
    formats.set(timeZone, format);
  }
  return format;
}

function zonedParts(instant: Date, timeZone: string): Record<Field, string> {
  const part = Object.fromEntries(zoneFormat(timeZone).formatToParts(instant).map((p) => [p.type, p.value]));
  const pad = (value: string | number, width = 2) => String(value).padStart(width, '0');
  // "GMT+01:00"; at offset zero "GMT" or "GMT+00:00", written Z as java.time does.
  const zoneOffset = part.timeZoneName!.slice(3);
  const offset = zoneOffset === '' || zoneOffset === '+00:00' ? 'Z' : zoneOffset;
  return {
    year: pad(part.year!, 4),
    year2: pad(part.year!, 4).slice(-2),
    month: pad(part.month!),
    month1: String(Number(part.month)),
    day: pad(part.day!),
    day1: String(Number(part.day)),
    hour: pad(part.hour!),
    hour1: String(Number(part.hour)),
    minute: pad(part.minute!),
    second: pad(part.second!),
    millisecond: pad(instant.getUTCMilliseconds(), 3),
    offset,
    offsetShort: offset === 'Z' ? 'Z' : offset.endsWith(':00') ? offset.slice(0, 3) : offset.replace(':', ''),
  };
}
