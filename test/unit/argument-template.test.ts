import { describe, expect, it } from 'vitest';
import { resolveTemplate, templateProblems, type RunValues } from '../../domain/entities/argument-template.js';

const run = (overrides: Partial<RunValues> = {}): RunValues => ({
  scheduledFor: new Date('2026-03-29T02:30:00.000Z'),
  dataIntervalStart: new Date('2026-03-28T00:00:00.000Z'),
  dataIntervalEnd: new Date('2026-03-29T00:00:00.000Z'),
  executionId: '0a1b2c3d-0000-4000-8000-000000000001',
  attempt: 2,
  jobName: 'daily-orders',
  timeZone: 'UTC',
  ...overrides,
});

describe('resolving placeholders', () => {
  it.each([
    ['{{scheduledFor}}', '2026-03-29T02:30:00.000Z'],
    ['{{ dataIntervalStart }}', '2026-03-28T00:00:00.000Z'],
    ['--date={{dataIntervalStart | date:"yyyy-MM-dd"}}', '--date=2026-03-28'],
    ['{{dataIntervalEnd|date:"yyyy-MM-dd\'T\'HH"}}', '2026-03-29T00'],
    ['{{scheduledFor | date:"yyyyMMdd-HHmmss.SSS"}}', '20260329-023000.000'],
    ['{{scheduledFor | date:"d/M/yy H:mm"}}', '29/3/26 2:30'],
    ['{{scheduledFor | date:"\'it\'\'s\' HH"}}', "it's 02"],
    ['{{scheduledFor | date:"\'\'"}}', "'"],
    ['{{scheduledFor | date:"XXX X"}}', 'Z Z'],
    ['{{executionId}}/{{attempt}}/{{jobName}}', '0a1b2c3d-0000-4000-8000-000000000001/2/daily-orders'],
    ['no placeholders, { braces } and {{ unclosed', 'no placeholders, { braces } and {{ unclosed'],
  ])('%s -> %s', (template, expected) => {
    expect(templateProblems(template)).toEqual([]);
    expect(resolveTemplate(template, run())).toBe(expected);
  });

  it('writes formatted instants in the zone, across a change to summer time (Europe/Berlin, 2026-03-29)', () => {
    const berlin = (iso: string) => resolveTemplate('{{scheduledFor | date:"yyyy-MM-dd HH:mm XXX"}}', run({ scheduledFor: new Date(iso), timeZone: 'Europe/Berlin' }));
    expect(berlin('2026-03-29T00:59:00Z')).toBe('2026-03-29 01:59 +01:00');
    expect(berlin('2026-03-29T01:00:00Z')).toBe('2026-03-29 03:00 +02:00');
    // The day of a daily interval is the zone's day, not UTC's.
    expect(berlin('2026-03-28T23:30:00Z')).toBe('2026-03-29 00:30 +01:00');
    expect(resolveTemplate('{{scheduledFor | date:"X"}}', run({ timeZone: 'Asia/Kolkata' }))).toBe('+0530');
    expect(resolveTemplate('{{scheduledFor | date:"X"}}', run({ timeZone: 'America/New_York' }))).toBe('-04');
  });

  it('leaves the instant unformatted in UTC whatever the zone', () => {
    expect(resolveTemplate('{{scheduledFor}}', run({ timeZone: 'Asia/Tokyo' }))).toBe('2026-03-29T02:30:00.000Z');
  });
});

describe('refusing placeholders that cannot be resolved', () => {
  it.each([
    ['{{scheduledfor}}', '{{scheduledfor}}', "unknown placeholder 'scheduledfor'; known: scheduledFor, dataIntervalStart"],
    ['x {{ds}} y', '{{ds}}', "unknown placeholder 'ds'"],
    ['{{}}', '{{}}', 'expected {{name}} or {{name | date:"pattern"}}'],
    ['{{jobName | upper}}', '{{jobName | upper}}', 'expected {{name}} or {{name | date:"pattern"}}'],
    ['{{attempt | date:"yyyy"}}', '{{attempt | date:"yyyy"}}', "'attempt' is not an instant: it takes no date format"],
    ['{{scheduledFor | date:"YYYY-MM-dd"}}', '{{scheduledFor | date:"YYYY-MM-dd"}}', `'YYYY' in "YYYY-MM-dd" is not a pattern this service knows`],
    ['{{scheduledFor | date:"yyyy-MMM"}}', '{{scheduledFor | date:"yyyy-MMM"}}', `'MMM' in "yyyy-MMM"`],
    ['{{scheduledFor | date:"\'T"}}', `{{scheduledFor | date:"'T"}}`, 'unclosed quote at position 1'],
    ['{{scheduledFor | date:""}}', '{{scheduledFor | date:""}}', 'the date format is empty'],
  ])('%s', (template, placeholder, reason) => {
    const problems = templateProblems(template);
    expect(problems).toHaveLength(1);
    expect(problems[0]!.placeholder).toBe(placeholder);
    expect(problems[0]!.reason).toContain(reason);
    expect(() => resolveTemplate(template, run())).toThrow(reason);
  });

  it('names every bad placeholder of a string, and none of the good ones', () => {
    const problems = templateProblems('{{jobName}} {{nope}} {{dataIntervalEnd | date:"yyyy"}} {{neither}}');
    expect(problems.map((problem) => problem.placeholder)).toEqual(['{{nope}}', '{{neither}}']);
  });
});
