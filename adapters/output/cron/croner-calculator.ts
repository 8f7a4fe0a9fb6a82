import { Cron, type CronOptions } from 'croner';
import type { CronCalculator } from '../../../domain/ports/output/cron-calculator.js';

interface Field {
  name: string;
  min: number;
  max: number;
  /** Names that stand for numbers, first for `min`. */
  names?: readonly string[];
  /** What croner accepts besides numbers, ranges and steps (L, W, #, +), checked by croner itself. */
  special?: RegExp;
}

const SECONDS: Field = { name: 'seconds', min: 0, max: 59 };
const FIVE_FIELDS: readonly Field[] = [
  { name: 'minutes', min: 0, max: 59 },
  { name: 'hours', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31, special: /[LW]/gi },
  {
    name: 'month',
    min: 1,
    max: 12,
    names: ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'],
  },
  { name: 'day of week', min: 0, max: 7, names: ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'], special: /[L#+]/gi },
];
const NICKNAMES = ['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly'];
const FIELD_COUNT = 'expected 5 fields (minute hour day-of-month month day-of-week) or 6 (second first)';
/** A plain value, range or wildcard, with an optional step: what the range checks below understand. */
const SIMPLE_PART = /^(?:(\*|\?)|(\d+)(?:-(\d+))?)(?:\/(\d+))?$/;

/**
 * Croner options for every pattern (a new object each time: croner writes its defaults into the one it is given).
 * - `5-or-6-parts`: five fields mean second 0; a seventh (year) field is refused.
 * - `domAndDow: false` (what croner's deprecated `legacyMode: true` means): when day of month and day of week are
 *   both restricted, either one matching fires, as in classic cron; when one is `*`, only the other counts.
 * - `fixedTimeRule: 'no-wildcard'`: second, minute and hour written as numbers, lists or ranges are fixed times,
 *   which fire once when the clock goes back (croner's default treats lists and ranges as intervals and fires them
 *   twice); `*` and steps follow real time.
 */
function cronOptions(timezone?: string): CronOptions {
  const common = { mode: '5-or-6-parts', domAndDow: false, fixedTimeRule: 'no-wildcard' } as const;
  // The same times, about five times faster: croner goes through Intl for a named zone, not for a fixed offset.
  return timezone && UTC_NAMES.has(timezone) ? { ...common, utcOffset: 0 } : { ...common, timezone };
}

/** Names of UTC itself, the default zone of every schedule. */
const UTC_NAMES = new Set(['UTC', 'Etc/UTC', 'GMT', 'Etc/GMT', 'Etc/Universal', 'Universal', 'Zulu', 'Etc/Zulu']);

/** Far enough back that a pattern without a tick between here and croner's search limit (year 3000) has none. */
const SEARCH_FROM = new Date('2000-01-01T00:00:00Z');

/** How many parsed patterns, and how many computed ticks, are kept before the cache starts over. */
const CACHE_LIMIT = 1000;
const TICK_CACHE_LIMIT = 10_000;

/** Cron arithmetic on croner. Croner's own parse errors are kept as a fallback; the common mistakes get ours. */
export class CronerCalculator implements CronCalculator {
  /** Parsed patterns by zone and pattern: a scheduler asks about the same few again and again. */
  private readonly crons = new Map<string, Cron>();
  private readonly zones = new Map<string, boolean>();
  /**
   * Ticks already computed, by zone, pattern and instant. Schedules due together mostly share a pattern and the
   * tick they were due at (a herd of `0 * * * *` asks the same question a thousand times), and croner takes tens
   * of microseconds per answer; the answers never change.
   */
  private readonly ticks = new Map<string, number | null>();

  constructor() {
    // Intl reads its time zone data at its first use in a process, about 20 ms: here, as the service starts,
    // rather than in the first claim of due ticks (or the first request that sets a schedule).
    this.isKnownZone('UTC');
  }

  problemWith(pattern: string, timezone: string): string | undefined {
    const problem = this.readingProblem(pattern, timezone);
    if (problem) return problem;
    if (!this.nextAfter(pattern, timezone, SEARCH_FROM)) return 'never fires: no date matches it';
    return undefined;
  }

  nextAfter(pattern: string, timezone: string, after: Date): Date | null {
    const key = `${timezone} ${pattern} ${after.getTime()}`;
    let tick = this.ticks.get(key);
    if (tick === undefined) {
      tick = this.computeNextAfter(pattern, timezone, after)?.getTime() ?? null;
      if (this.ticks.size >= TICK_CACHE_LIMIT) this.ticks.clear();
      this.ticks.set(key, tick);
    }
    return tick === null ? null : new Date(tick);
  }

  private computeNextAfter(pattern: string, timezone: string, after: Date): Date | null {
    const cron = this.cronFor(pattern, timezone);
    let tick = cron.nextRun(after);
    // Croner runs a fixed time that falls in a spring-forward gap when the gap ends (02:30 at 03:00); ours does not
    // fire that day. Such a run does not match the pattern's wall-clock time, so look past it. Each step moves
    // forward and croner stops at year 3000, so this ends.
    while (tick && !cron.match(tick)) tick = cron.nextRun(tick);
    return tick;
  }

  private cronFor(pattern: string, timezone: string): Cron {
    const key = `${timezone} ${pattern}`;
    let cron = this.crons.get(key);
    if (!cron) {
      const problem = this.readingProblem(pattern, timezone);
      if (problem) throw new Error(`cron '${pattern}' in '${timezone}': ${problem}`);
      cron = new Cron(pattern, cronOptions(timezone));
      if (this.crons.size >= CACHE_LIMIT) this.crons.clear();
      this.crons.set(key, cron);
    }
    return cron;
  }

  /** Why the pattern cannot be read or the zone is unknown. */
  private readingProblem(pattern: string, timezone: string): string | undefined {
    const problem = fieldProblem(pattern);
    if (problem) return problem;
    try {
      new Cron(pattern, cronOptions());
    } catch (error) {
      return `cannot be read: ${String(error instanceof Error ? error.message : error).replace(/^CronPattern: /, '')}`;
    }
    if (!this.isKnownZone(timezone)) return `unknown time zone '${timezone}'`;
    return undefined;
  }

  private isKnownZone(timezone: string): boolean {
    let known = this.zones.get(timezone);
    if (known === undefined) {
      known = isIanaZone(timezone);
      this.zones.set(timezone, known);
    }
    return known;
  }
}

/** IANA names Intl knows, "UTC" among them; UTC offsets such as "+01:00" (which newer Intl accepts) are not names. */
function isIanaZone(timezone: string): boolean {
  if (!/^[A-Za-z]/.test(timezone)) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: timezone });
    return true;
  } catch {
    return false;
  }
}

/** The first field that is out of range or not cron syntax, said the way a person would fix it. */
function fieldProblem(pattern: string): string | undefined {
  const trimmed = pattern.trim();
  if (trimmed.startsWith('@')) {
    return NICKNAMES.includes(trimmed.toLowerCase())
      ? undefined
      : `not a cron pattern: unknown nickname '${trimmed}' (use one of ${NICKNAMES.join(', ')})`;
  }
  const parts = trimmed === '' ? [] : trimmed.split(/\s+/);
  const fields = parts.length === 6 ? [SECONDS, ...FIVE_FIELDS] : parts.length === 5 ? FIVE_FIELDS : undefined;
  if (!fields) return `not a cron pattern: ${FIELD_COUNT}, found ${parts.length}`;
  if (!/[\d*?]/.test(trimmed)) return 'not a cron pattern: no field holds a number or *';
  for (const [index, field] of fields.entries()) {
    for (const item of (parts[index] ?? '').split(',')) {
      const problem = itemProblem(item, field);
      if (problem) return problem;
    }
  }
  return undefined;
}

function itemProblem(item: string, field: Field): string | undefined {
  const numeric = field.names ? replaceNames(item, field.names, field.min) : item;
  const simple = SIMPLE_PART.exec(numeric);
  if (!simple) {
    const rest = field.special ? numeric.replace(field.special, '') : numeric;
    if (!/^[\d*?,/-]*$/.test(rest) || rest === numeric) {
      return `'${item}' in ${field.name} is not a number, range, step or list`;
    }
    // Croner reads the rest (15W, L, FRI#2, +MON); the days before a W or # are still checked here.
    const days = numeric.split('#')[0]?.match(/\d+/g) ?? [];
    return days.map((value) => rangeProblem(value, field)).find((problem) => problem !== undefined);
  }
  const [, , from, to, step] = simple;
  for (const value of [from, to]) {
    const problem = value === undefined ? undefined : rangeProblem(value, field);
    if (problem) return problem;
  }
  if (from !== undefined && to !== undefined && Number(from) > Number(to)) {
    return `range ${from}-${to} in ${field.name} runs backwards`;
  }
  if (step !== undefined) {
    if (Number(step) < 1) return `step ${step} in ${field.name} must be at least 1`;
    if (Number(step) > field.max - field.min + 1) {
      return `step ${step} in ${field.name} is larger than the field (${field.min}-${field.max})`;
    }
  }
  return undefined;
}

function rangeProblem(value: string, field: Field): string | undefined {
  const number = Number(value);
  return number < field.min || number > field.max
    ? `value ${number} is out of range for ${field.name} (${field.min}-${field.max})`
    : undefined;
}

function replaceNames(item: string, names: readonly string[], first: number): string {
  return item.replace(/[A-Za-z]{3}/g, (word) => {
    const index = names.indexOf(word.toUpperCase());
    return index < 0 ? word : String(index + first);
  });
}
