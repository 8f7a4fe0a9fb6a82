import fc from 'fast-check';
import { anyJson, dateText, hostileKey, hostileNumber, hostileText, Members, plausibleDate } from './hostile-input.js';

/** The part of JSON Schema (as @hono/zod-openapi writes it) the generators read. */
export interface Schema {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: Schema | boolean;
  items?: Schema;
  enum?: unknown[];
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
  format?: string;
  pattern?: string;
  example?: unknown;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  exclusiveMinimum?: number;
}

/** A value of any JSON type, for a member that expects another. */
const ANY_TYPE = fc.oneof(hostileText, hostileNumber, dateText, fc.boolean(), fc.constant(null), fc.jsonValue({ maxDepth: 2 }));

/**
 * Values for a schema: `valid` ones it accepts, `hostile` ones mostly of its type but often bad (then now and then
 * of another type), and `nearlyValid` objects with one member hostile, so that requests get past the first check.
 */
export class SchemaValues {
  constructor(private readonly components: Record<string, Schema>) {}

  valid(schema: Schema): fc.Arbitrary<unknown> {
    return this.typed(this.resolve(schema), true);
  }

  hostile(schema: Schema): fc.Arbitrary<unknown> {
    return fc.oneof({ weight: 5, arbitrary: this.typed(this.resolve(schema), false) }, { weight: 1, arbitrary: ANY_TYPE });
  }

  nearlyValid(schema: Schema): fc.Arbitrary<unknown> {
    const resolved = this.resolve(schema);
    const names = Object.keys(resolved.properties ?? {});
    if (names.length === 0) return this.hostile(schema);
    const change = fc
      .constantFrom(...names)
      .chain((name) => this.hostile(resolved.properties![name]!).map((value): [string, unknown] => [name, value]));
    return fc
      .tuple(this.object(resolved, true), change)
      .map(([members, changed]) => new Members([...members.entries.filter(([key]) => key !== changed[0]), changed]));
  }

  private resolve(schema: Schema): Schema {
    if (schema.$ref) return this.resolve(this.components[schema.$ref.split('/').pop()!] ?? {});
    if (!schema.allOf) return schema;
    return schema.allOf.map((part) => this.resolve(part)).reduce((merged, part) => ({
      ...merged,
      ...part,
      properties: { ...merged.properties, ...part.properties },
    }));
  }

  private typed(schema: Schema, valid: boolean): fc.Arbitrary<unknown> {
    if (schema.enum) return fc.constantFrom(...schema.enum);
    const alternatives = schema.anyOf ?? schema.oneOf;
    const of = (part: Schema) => (valid ? this.valid(part) : this.hostile(part));
    if (alternatives) return fc.oneof(...alternatives.map(of));
    const types = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : [];
    if (types.length === 0) return valid ? fc.jsonValue({ maxDepth: 2 }) : anyJson;
    return fc.oneof(...types.map((type) => this.ofType(type, schema, valid)));
  }

  private ofType(type: string, schema: Schema, valid: boolean): fc.Arbitrary<unknown> {
    const min = schema.minimum ?? (schema.exclusiveMinimum !== undefined ? schema.exclusiveMinimum + 1 : -1_000_000);
    const max = schema.maximum ?? 1_000_000;
    const orHostile = (arbitrary: fc.Arbitrary<unknown>, hostile: fc.Arbitrary<unknown>) =>
      valid ? arbitrary : fc.oneof({ weight: 3, arbitrary }, { weight: 1, arbitrary: hostile });
    switch (type) {
      case 'null':
        return fc.constant(null);
      case 'boolean':
        return fc.boolean();
      case 'integer':
        return orHostile(integerIn(min, max), fc.oneof(hostileNumber, fc.constantFrom(min - 1, max + 1)));
      case 'number':
        return orHostile(fc.double({ min, max, noNaN: true }), hostileNumber);
      case 'string':
        return orHostile(plausibleText(schema), hostileText);
      case 'array': {
        // A valid array has as many items as the schema asks (a webhook names at least one event type).
        const minLength = valid ? Math.min(schema.minItems ?? 0, 5) : 0;
        const items = valid ? this.valid(schema.items ?? {}) : this.hostile(schema.items ?? {});
        return fc.array(items, { minLength, maxLength: Math.max(minLength, Math.min(schema.maxItems ?? 5, 5)) });
      }
      case 'object':
        return this.object(schema, valid);
      default:
        return valid ? fc.jsonValue({ maxDepth: 2 }) : anyJson;
    }
  }

  /** The required members always, the optional ones sometimes; if hostile, now and then members it does not have. */
  private object(schema: Schema, valid: boolean): fc.Arbitrary<Members> {
    const of = (part: Schema) => (valid ? this.valid(part) : this.hostile(part));
    const model = Object.fromEntries(Object.entries(schema.properties ?? {}).map(([key, member]) => [key, of(member)]));
    const additional = typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined;
    const extraKey = valid
      ? fc.stringMatching(/^[a-z][a-z0-9.]{0,15}$/)
      : fc.oneof(hostileKey, fc.constantFrom(...Object.keys(schema.properties ?? {}), 'unknownField'));
    const none = fc.constant<[string, unknown][]>([]);
    let extras = none;
    if (additional) extras = fc.array(fc.tuple(extraKey, of(additional)), { maxLength: 4 });
    else if (!valid) extras = fc.oneof({ weight: 4, arbitrary: none }, fc.array(fc.tuple(extraKey, anyJson), { maxLength: 2 }));
    return fc
      .tuple(fc.record(model, { requiredKeys: schema.required ?? [] }), extras)
      .map(([members, extra]) => new Members([...Object.entries(members), ...extra]));
  }
}

/** Integers in a range, its ends more often than by chance. */
export const integerIn = (min: number, max: number) => fc.oneof(fc.integer({ min, max }), fc.constantFrom(min, max));

function plausibleText(schema: Schema): fc.Arbitrary<string> {
  if (schema.format === 'date-time') return plausibleDate;
  if (schema.pattern) return fc.stringMatching(new RegExp(schema.pattern));
  if (typeof schema.example === 'string') return fc.constant(schema.example);
  const length = { minLength: Math.max(schema.minLength ?? 0, 1), maxLength: Math.min(schema.maxLength ?? 40, 40) };
  return fc.oneof(fc.string(length), fc.string({ ...length, unit: 'grapheme' }), fc.string({ ...length, unit: 'binary' }));
}
