import type { MiddlewareHandler } from 'hono';
import { fieldPath, HttpProblem, validationProblem, type FieldError } from './problem.js';

/**
 * Text PostgreSQL cannot store: NUL, which neither text nor jsonb holds, and a UTF-16 surrogate without its pair,
 * which is no Unicode character at all (PGlite would quietly store U+FFFD in its place).
 */
const UNSTORABLE = /\0|\p{Cs}/u;
const EVERY_UNSTORABLE = /\0|\p{Cs}/gu;

/** A key JSON.parse keeps, but that every copy of the object turns into its prototype: the field would be lost. */
const LOST_KEY = '__proto__';

/** A body full of bad strings is answered with the first few. */
const MAX_ERRORS = 20;

function textError(text: string): string | undefined {
  const found = UNSTORABLE.exec(text)?.[0];
  if (found === undefined) return undefined;
  if (found === '\0') return 'must not contain the NUL character (U+0000)';
  return `must be well-formed Unicode, without a lone surrogate such as ${escaped(found)}`;
}

function keyError(key: string): string | undefined {
  if (key === LOST_KEY) return `'${LOST_KEY}' is not accepted as a key`;
  const error = textError(key);
  return error && `the key ${error}`;
}

/** A key as a field path shows it: what cannot be stored is written as its `\u` escape. */
function escaped(text: string): string {
  return text.replace(EVERY_UNSTORABLE, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

interface Place {
  value: unknown;
  key?: string | number;
  parent?: Place;
  /** Set when the key itself is refused: the value under it is not looked at. */
  keyError?: string;
}

function pathOf(place: Place): string {
  const parts: (string | number)[] = [];
  for (let at: Place | undefined = place; at?.key !== undefined; at = at.parent) parts.push(at.key);
  return fieldPath(parts.reverse());
}

/** The places directly inside `place`, in reverse document order (they go on a stack). */
function childrenOf(place: Place): Place[] {
  const { value } = place;
  if (Array.isArray(value)) return value.map((item, index) => ({ value: item, key: index, parent: place })).reverse();
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value)
    .map(([key, item]): Place => {
      const error = keyError(key);
      return error ? { value: item, key: escaped(key), parent: place, keyError: error } : { value: item, key, parent: place };
    })
    .reverse();
}

/**
 * Every string of a parsed JSON document, keys included, that the service could not store or keep as sent, named
 * by its path. Runs before a route's schema, so that fields added later are covered without a word.
 */
export function unstorableFields(document: unknown): FieldError[] {
  const errors: FieldError[] = [];
  // A walk with a stack of its own: a body may nest deeper than the call stack goes.
  const pending: Place[] = [{ value: document }];
  while (pending.length > 0 && errors.length < MAX_ERRORS) {
    const place = pending.pop()!;
    const message = place.keyError ?? (typeof place.value === 'string' ? textError(place.value) : undefined);
    if (message) errors.push({ path: pathOf(place), message });
    else for (const child of childrenOf(place)) pending.push(child);
  }
  return errors;
}

/** Refuses a JSON document with such strings: 400 VALIDATION_FAILED naming each. */
export function rejectUnstorableJson(document: unknown): void {
  const errors = unstorableFields(document);
  if (errors.length > 0) throw new HttpProblem(validationProblem(errors));
}

/** The same for a query string, names included: `?namePrefix=%00` is a 400 naming `namePrefix`. */
export const rejectUnstorableQuery: MiddlewareHandler = async (c, next) => {
  const parameters = Object.entries(c.req.queries()).map(([name, values]) => [name, values.length === 1 ? values[0] : values]);
  rejectUnstorableJson(Object.fromEntries(parameters));
  await next();
};
