import fc from 'fast-check';

/**
 * Hostile values for the fuzz test: text PostgreSQL cannot store, numbers JavaScript cannot hold, dates no calendar
 * has, keys that are lost on the way in, and the same again percent-encoded for URLs.
 */

/** JSON text sent as written: numbers JSON.stringify cannot produce (`1e400`), or nesting deeper than it recurses. */
export class RawJson {
  constructor(readonly text: string) {}
}

/** A JSON object as a list of members, so that duplicate keys and `__proto__` reach the service as sent. */
export class Members {
  constructor(readonly entries: [string, unknown][]) {}
}

/** The JSON text of a generated value; plain objects, arrays and primitives are written as JSON.stringify would. */
export function jsonText(value: unknown): string {
  if (value instanceof RawJson) return value.text;
  if (value instanceof Members) {
    return `{${value.entries.map(([key, member]) => `${JSON.stringify(key)}:${jsonText(member)}`).join(',')}}`;
  }
  if (Array.isArray(value)) return `[${value.map(jsonText).join(',')}]`;
  if (value !== null && typeof value === 'object') return jsonText(new Members(Object.entries(value)));
  return JSON.stringify(value) ?? 'null';
}

const ODD_TEXT = [
  '', ' ', '__proto__', 'constructor', 'prototype', 'toString', '\u202e', '\ufeff', '\r\n', '%00', '%', '\\', '"',
  "'; drop table jobs; --", '../../etc/passwd', 'null', 'NaN', '-0', '0x10', 'a'.repeat(129),
  // Crons and time zones that parse but never fire, or name no zone; any string field may get them.
  '0 0 30 2 *', '0 0 0 31 2 *', '* * * * * * *', '@yearly', 'L', '0 0 * * 7#5', '*/0 * * * *', 'Etc/GMT+14', 'EST5EDT',
];
const UNSTORABLE_CHARACTERS = ['\u0000', '\ud800', '\udfff', '\udc00\ud800', '\ud800\u0000'];

export const hostileText: fc.Arbitrary<string> = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.constantFrom(...ODD_TEXT),
  fc
    .tuple(fc.string({ maxLength: 8 }), fc.constantFrom(...UNSTORABLE_CHARACTERS), fc.string({ maxLength: 8 }))
    .map((parts) => parts.join('')),
  fc
    .tuple(fc.constantFrom('a', 'é', '😀', '\u0000', '\ud800'), fc.integer({ min: 3_000, max: 60_000 }))
    .map(([text, times]) => text.repeat(times)),
);

const ODD_NUMBERS = [
  '1e400', '-1e400', '1e-400', '-0', '0.5', '1.0', '1E2', '123456789012345678901234567890', '9007199254740993',
  '2147483648', '-2147483649', '0e0',
];

export const hostileNumber: fc.Arbitrary<unknown> = fc.oneof(
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(...ODD_NUMBERS).map((text) => new RawJson(text)),
);

const ODD_DATES = [
  '0000-01-01T00:00:00Z', '0000-12-31T23:59:59.999Z', '-000001-01-01T00:00:00Z', '+010000-01-01T00:00:00Z',
  '10000-01-01T00:00:00Z', '9999-12-31T23:59:59.999Z', '+275760-09-13T00:00:00.000Z', '2024-02-30T00:00:00Z',
  '2024-13-01T00:00:00Z', '2024-01-01T24:00:00Z', '2024-01-01T23:59:60Z', '2024-01-01T00:00:00+25:00',
  '2024-01-01T00:00:00.1234567891Z', '2024-01-01', '1970-01-01T00:00:00', 'now', '0', '',
];

/** A date-time of this century or the next, as the service writes them. */
export const plausibleDate: fc.Arbitrary<string> = fc
  .date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true })
  .map((date) => date.toISOString());

/** Dates no calendar has, years JavaScript can hold but PostgreSQL cannot (and the reverse), and plain ones. */
export const dateText: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...ODD_DATES),
  fc.date({ noInvalidDate: true }).map((date) => date.toISOString()),
  plausibleDate,
);

export const hostileKey: fc.Arbitrary<string> = fc.oneof(
  fc.string({ maxLength: 10 }),
  fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', '', '\u0000', 'k\ud800', 'a.b', '[0]'),
);

/** `[[[…1…]]]` or `{"a":{"a":…}}`, deeper than any recursive walk of the document could go. */
const deepNesting = fc
  .tuple(fc.integer({ min: 100, max: 20_000 }), fc.constantFrom(['[', ']'], ['{"a":', '}']))
  .map(([depth, [open, close]]) => new RawJson(`${open!.repeat(depth)}1${close!.repeat(depth)}`));

export const anyJson: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue(),
  fc.jsonValue({ stringUnit: 'binary', maxDepth: 4 }),
  fc.object({ key: hostileKey, values: [hostileText, hostileNumber, dateText, fc.boolean(), fc.constant(null)], maxDepth: 4 }),
  deepNesting,
);

const byteHex = (byte: number) => `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;

/** Percent-encodes every byte of the text's UTF-8 but the unreserved ones (a lone surrogate becomes U+FFFD). */
export function percentEncoded(text: string): string {
  return [...Buffer.from(text, 'utf8')]
    .map((byte) => (/[A-Za-z0-9._~-]/.test(String.fromCharCode(byte)) ? String.fromCharCode(byte) : byteHex(byte)))
    .join('');
}

/** Percent-escapes that are malformed, overlong, or decode to what cannot be stored. */
const ODD_ESCAPES = ['%00', '%ED%A0%80', '%C0%80', '%FF', '%', '%zz', '%u0000', '%2F', '%2e%2e', '+', '%2B', '%20'];

/** A URL component: generated text percent-encoded, or one of the odd escapes around it. */
export const urlText: fc.Arbitrary<string> = fc.oneof(
  hostileText.map(percentEncoded),
  fc.constantFrom(...ODD_ESCAPES),
  fc.tuple(fc.string({ maxLength: 6 }).map(percentEncoded), fc.constantFrom(...ODD_ESCAPES)).map((parts) => parts.join('')),
);

/** Header values: only Latin-1 without control characters can be put in a Headers object at all. */
const latin1Printable = fc
  .integer({ min: 0x20, max: 0xff })
  .filter((code) => code < 0x7f || code > 0x9f)
  .map((code) => String.fromCharCode(code));

export const headerText: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: latin1Printable, maxLength: 600 }),
  fc.constantFrom('"1"', 'W/"1"', '*', '"0"', '"-1"', '"99999999999999999999"', '"1", "2"', '1', '""', ''),
);
