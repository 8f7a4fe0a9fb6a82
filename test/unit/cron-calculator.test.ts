import { describe, expect, it } from 'vitest';
import { CronerCalculator } from '../../adapters/output/cron/croner-calculator.js';

const calculator = new CronerCalculator();

/** The next `count` ticks after `after`, as ISO strings. */
function ticks(pattern: string, timezone: string, after: string, count: number): string[] {
  const found: string[] = [];
  let cursor: Date | null = new Date(after);
  while (found.length < count) {
    cursor = calculator.nextAfter(pattern, timezone, cursor);
    if (!cursor) break;
    found.push(cursor.toISOString());
  }
  return found;
}

describe('next tick', () => {
  it.each([
    { pattern: '0 * * * * *', after: '2026-01-01T12:00:30.000Z', next: '2026-01-01T12:01:00.000Z' },
    { pattern: '*/15 * * * * *', after: '2026-01-01T12:00:00.000Z', next: '2026-01-01T12:00:15.000Z' },
    { pattern: '30 15 10 * * *', after: '2026-01-01T00:00:00.000Z', next: '2026-01-01T10:15:30.000Z' },
    { pattern: '* * * * * *', after: '2026-01-01T12:00:00.500Z', next: '2026-01-01T12:00:01.000Z' },
  ])('six fields, second first: $pattern after $after is $next', ({ pattern, after, next }) => {
    expect(calculator.nextAfter(pattern, 'UTC', new Date(after))?.toISOString()).toBe(next);
  });

  it.each([
    { pattern: '* * * * *', after: '2026-01-01T12:00:30.000Z', next: '2026-01-01T12:01:00.000Z' },
    { pattern: '*/5 * * * *', after: '2026-01-01T12:01:00.000Z', next: '2026-01-01T12:05:00.000Z' },
    { pattern: '0 9 * * MON-FRI', after: '2026-01-02T10:00:00.000Z', next: '2026-01-05T09:00:00.000Z' },
    { pattern: '@hourly', after: '2026-01-01T12:00:00.000Z', next: '2026-01-01T13:00:00.000Z' },
  ])('five fields fire at second 0: $pattern after $after is $next', ({ pattern, after, next }) => {
    expect(calculator.nextAfter(pattern, 'UTC', new Date(after))?.toISOString()).toBe(next);
  });

  it('is strictly after the reference, even when the reference is a tick', () => {
    expect(ticks('0 * * * * *', 'UTC', '2026-01-01T12:01:00.000Z', 1)).toEqual(['2026-01-01T12:02:00.000Z']);
  });

  it.each([
    // 2026-01-02 is a Friday: with both restricted, the next Monday fires although it is not the 1st ...
    { pattern: '0 0 12 1 * MON', after: '2026-01-02T00:00:00.000Z', next: '2026-01-05T12:00:00.000Z' },
    // ... and the 1st fires although it is a Sunday.
    { pattern: '0 0 12 1 * MON', after: '2026-01-26T13:00:00.000Z', next: '2026-02-01T12:00:00.000Z' },
    // With day of week left as *, only the day of month counts, and the other way round.
    { pattern: '0 0 12 1 * *', after: '2026-01-02T00:00:00.000Z', next: '2026-02-01T12:00:00.000Z' },
    { pattern: '0 0 12 * * MON', after: '2026-01-02T00:00:00.000Z', next: '2026-01-05T12:00:00.000Z' },
  ])('day of month OR day of week, as in classic cron: $pattern after $after is $next', ({ pattern, after, next }) => {
    expect(calculator.nextAfter(pattern, 'UTC', new Date(after))?.toISOString()).toBe(next);
  });

  it.each([
    { timezone: 'UTC', after: '2026-01-15T00:00:00.000Z', next: '2026-01-15T09:00:00.000Z' },
    { timezone: 'America/New_York', after: '2026-01-15T00:00:00.000Z', next: '2026-01-15T14:00:00.000Z' },
    { timezone: 'America/New_York', after: '2026-07-15T00:00:00.000Z', next: '2026-07-15T13:00:00.000Z' },
    { timezone: 'Europe/Berlin', after: '2026-01-15T00:00:00.000Z', next: '2026-01-15T08:00:00.000Z' },
  ])('0 0 9 * * * in $timezone after $after is $next', ({ timezone, after, next }) => {
    expect(calculator.nextAfter('0 0 9 * * *', timezone, new Date(after))?.toISOString()).toBe(next);
  });
});

describe('ticks asked for again (answered from the cache of computed ticks)', () => {
  it('gives the same tick for the same question, and each caller a Date of its own', () => {
    const fresh = new CronerCalculator();
    const after = new Date('2026-01-01T12:00:30.000Z');
    const first = fresh.nextAfter('0 * * * * *', 'UTC', after)!;
    first.setTime(0);
    expect(fresh.nextAfter('0 * * * * *', 'UTC', after)?.toISOString()).toBe('2026-01-01T12:01:00.000Z');
  });

  it('keeps questions about different zones, patterns and instants apart', () => {
    const fresh = new CronerCalculator();
    const after = new Date('2026-01-01T12:00:30.000Z');
    expect(fresh.nextAfter('0 0 * * * *', 'UTC', after)?.toISOString()).toBe('2026-01-01T13:00:00.000Z');
    expect(fresh.nextAfter('0 0 * * * *', 'Asia/Kolkata', after)?.toISOString()).toBe('2026-01-01T12:30:00.000Z');
    expect(fresh.nextAfter('0 * * * * *', 'UTC', after)?.toISOString()).toBe('2026-01-01T12:01:00.000Z');
    expect(fresh.nextAfter('0 0 * * * *', 'UTC', new Date('2026-01-01T13:00:00.000Z'))?.toISOString()).toBe('2026-01-01T14:00:00.000Z');
  });

  it('still refuses a pattern it cannot read, however often it is asked', () => {
    const fresh = new CronerCalculator();
    for (let i = 0; i < 2; i++) expect(() => fresh.nextAfter('61 * * * *', 'UTC', new Date())).toThrow(/out of range/);
  });
});

describe('daylight saving time in Europe/Berlin, 2026', () => {
  // Spring: on 2026-03-29 the clock jumps from 02:00 CET (01:00 UTC) to 03:00 CEST.
  // Autumn: on 2026-10-25 it goes back from 03:00 CEST (01:00 UTC) to 02:00 CET, so 02:00-03:00 happens twice.
  it.each([
    {
      rule: 'a fixed time inside the skipped hour does not fire that day',
      pattern: '0 30 2 * * *',
      after: '2026-03-27T12:00:00.000Z',
      expected: ['2026-03-28T01:30:00.000Z', '2026-03-30T00:30:00.000Z', '2026-03-31T00:30:00.000Z'],
    },
    {
      rule: 'the same with five fields',
      pattern: '30 2 * * *',
      after: '2026-03-27T12:00:00.000Z',
      expected: ['2026-03-28T01:30:00.000Z', '2026-03-30T00:30:00.000Z'],
    },
    {
      rule: 'a list of fixed times loses only the one inside the skipped hour',
      pattern: '0 30 2,14 * * *',
      after: '2026-03-28T12:00:00.000Z',
      expected: ['2026-03-28T13:30:00.000Z', '2026-03-29T12:30:00.000Z', '2026-03-30T00:30:00.000Z'],
    },
    {
      rule: 'an interval runs on in real time across the gap',
      pattern: '0 */30 * * * *',
      after: '2026-03-29T00:15:00.000Z',
      expected: ['2026-03-29T00:30:00.000Z', '2026-03-29T01:00:00.000Z', '2026-03-29T01:30:00.000Z'],
    },
    {
      rule: 'a fixed time inside the repeated hour fires once, at its first occurrence',
      pattern: '0 30 2 * * *',
      after: '2026-10-24T12:00:00.000Z',
      expected: ['2026-10-25T00:30:00.000Z', '2026-10-26T01:30:00.000Z'],
    },
    {
      rule: 'a list of fixed times fires once inside the repeated hour',
      pattern: '0 30 2,14 * * *',
      after: '2026-10-24T12:00:00.000Z',
      expected: ['2026-10-24T12:30:00.000Z', '2026-10-25T00:30:00.000Z', '2026-10-25T13:30:00.000Z'],
    },
    {
      rule: 'an interval fires on both passes through the repeated hour',
      pattern: '0 */30 * * * *',
      after: '2026-10-24T23:45:00.000Z',
      expected: [
        '2026-10-25T00:00:00.000Z',
        '2026-10-25T00:30:00.000Z',
        '2026-10-25T01:00:00.000Z',
        '2026-10-25T01:30:00.000Z',
        '2026-10-25T02:00:00.000Z',
      ],
    },
  ])('$rule ($pattern)', ({ pattern, after, expected }) => {
    expect(ticks(pattern, 'Europe/Berlin', after, expected.length)).toEqual(expected);
  });

  it('does not fire the second occurrence when asked from between the two', () => {
    expect(ticks('0 30 2 * * *', 'Europe/Berlin', '2026-10-25T00:30:00.000Z', 1)).toEqual(['2026-10-26T01:30:00.000Z']);
    expect(ticks('0 30 2 * * *', 'Europe/Berlin', '2026-10-25T01:00:00.000Z', 1)).toEqual(['2026-10-26T01:30:00.000Z']);
  });
});

describe('patterns and zones that cannot be used', () => {
  it.each([
    { pattern: '61 * * * * *', problem: 'value 61 is out of range for seconds (0-59)' },
    { pattern: '60 * * * *', problem: 'value 60 is out of range for minutes (0-59)' },
    { pattern: '0 0 24 * * *', problem: 'value 24 is out of range for hours (0-23)' },
    { pattern: '0 0 0 32 * *', problem: 'value 32 is out of range for day of month (1-31)' },
    { pattern: '0 0 0 0 * *', problem: 'value 0 is out of range for day of month (1-31)' },
    { pattern: '0 0 1 13 *', problem: 'value 13 is out of range for month (1-12)' },
    { pattern: '0 0 * * 8', problem: 'value 8 is out of range for day of week (0-7)' },
    { pattern: '0 0 * * 1-9', problem: 'value 9 is out of range for day of week (0-7)' },
    { pattern: '0 5-2 * * *', problem: 'range 5-2 in hours runs backwards' },
    { pattern: '*/0 * * * *', problem: 'step 0 in minutes must be at least 1' },
    { pattern: 'abc * * * *', problem: "'abc' in minutes is not a number, range, step or list" },
    { pattern: '0 0 * FOO *', problem: "'FOO' in month is not a number, range, step or list" },
    { pattern: '0 0 32W * *', problem: 'value 32 is out of range for day of month (1-31)' },
    { pattern: '0 0 * * 9#2', problem: 'value 9 is out of range for day of week (0-7)' },
    { pattern: '*/61 * * * * *', problem: 'step 61 in seconds is larger than the field (0-59)' },
    { pattern: 'run at noon every day', problem: 'not a cron pattern: no field holds a number or *' },
    {
      pattern: '@reboot',
      problem: "not a cron pattern: unknown nickname '@reboot' (use one of @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly)",
    },
    {
      pattern: 'every minute',
      problem: 'not a cron pattern: expected 5 fields (minute hour day-of-month month day-of-week) or 6 (second first), found 2',
    },
    {
      pattern: '* * * *',
      problem: 'not a cron pattern: expected 5 fields (minute hour day-of-month month day-of-week) or 6 (second first), found 4',
    },
    {
      pattern: '0 0 0 1 1 * 2027',
      problem: 'not a cron pattern: expected 5 fields (minute hour day-of-month month day-of-week) or 6 (second first), found 7',
    },
    {
      pattern: '',
      problem: 'not a cron pattern: expected 5 fields (minute hour day-of-month month day-of-week) or 6 (second first), found 0',
    },
    { pattern: '0 0 30 2 *', problem: 'never fires: no date matches it' },
    { pattern: '0 0 0 31 4,6,9,11 *', problem: 'never fires: no date matches it' },
  ])('$pattern: $problem', ({ pattern, problem }) => {
    expect(calculator.problemWith(pattern, 'UTC')).toBe(problem);
  });

  it.each(['Mars/Base', 'Europe/Atlantis', '', '+01:00'])("refuses the time zone '%s'", (timezone) => {
    expect(calculator.problemWith('0 * * * * *', timezone)).toBe(`unknown time zone '${timezone}'`);
  });

  it.each([
    ['0 * * * * *', 'UTC'],
    ['*/5 * * * *', 'Europe/Berlin'],
    ['0 9 * * MON-FRI', 'America/New_York'],
    ['0 0 29 2 *', 'UTC'],
    ['0 0 L * *', 'Asia/Tokyo'],
    ['0 0 * * FRI#2', 'Etc/UTC'],
    ['@daily', 'UTC'],
  ])('accepts %s in %s', (pattern, timezone) => {
    expect(calculator.problemWith(pattern, timezone)).toBeUndefined();
  });

  it("passes on croner's reason for what it alone checks", () => {
    expect(calculator.problemWith('0 0 * * 5#6', 'UTC')).toMatch(/^cannot be read: nth weekday out of range/);
  });

  it('throws the same reason when asked for a tick of a pattern it refuses', () => {
    expect(() => calculator.nextAfter('61 * * * * *', 'UTC', new Date())).toThrow(
      'value 61 is out of range for seconds (0-59)',
    );
    expect(() => calculator.nextAfter('0 * * * * *', 'Mars/Base', new Date())).toThrow("unknown time zone 'Mars/Base'");
  });

  it('returns null after the last tick of a pattern that never fires', () => {
    expect(calculator.nextAfter('0 0 30 2 *', 'UTC', new Date('2026-01-01T00:00:00Z'))).toBeNull();
  });
});
