// fast-check arbitraries built from the OpenAPI document's JSON Schemas: values the document calls
// valid, and mutations of them that it calls invalid. The Schemathesis idea with npm libraries; used by
// test/integration/contract-fuzz.test.ts. A constraint JSON Schema cannot say (a zone that exists, an
// interval that ends after it starts) is carried by the schema's `examples`, which are drawn from instead.
import fc from 'fast-check';
import type { Schema } from './contract';

export type Resolve = (s: Schema) => Schema;

export function resolver(doc: Schema): Resolve {
  return function resolve(s: Schema): Schema {
    if (!s?.$ref) return s;
    const target = s.$ref
      .replace(/^#\//, '')
      .split('/')
      .reduce((node: Schema, part: string) => node?.[part.replace(/~1/g, '/').replace(/~0/g, '~')], doc);
    return resolve(target);
  };
}

const printable = fc.string({ unit: 'grapheme-ascii', maxLength: 24 });

/** Values valid by `schema`. Sizes are kept small: the point is shape, not volume. */
export function valid(schema: Schema, resolve: Resolve, depth = 0): fc.Arbitrary<unknown> {
  const s = resolve(schema ?? {});
  if (Array.isArray(s.examples) && s.examples.length) return fc.constantFrom(...s.examples);
  if ('const' in s) return fc.constant(s.const);
  if (Array.isArray(s.enum)) return fc.constantFrom(...s.enum);
  const branches: Schema[] | undefined = s.anyOf ?? s.oneOf;
  if (branches) {
    // Keywords beside anyOf (an object's properties, say) apply to every branch: merge them in.
    const { anyOf: _a, oneOf: _o, ...rest } = s;
    const merged = branches.map((branch) => {
      const b = resolve(branch);
      if (!Object.keys(rest).length) return b;
      return {
        ...rest,
        ...b,
        properties: { ...rest.properties, ...mergeProps(rest.properties, b.properties, resolve) },
        required: [...new Set([...(rest.required ?? []), ...(b.required ?? [])])],
      };
    });
    return fc.oneof(...merged.map((b) => valid(b, resolve, depth + 1)));
  }
  if (s.allOf) return valid(s.allOf[0], resolve, depth + 1);
  if (Array.isArray(s.type))
    return fc.oneof(...s.type.map((t: string) => valid({ ...s, type: t }, resolve, depth)));
  switch (s.type) {
    case 'null':
      return fc.constant(null);
    case 'boolean':
      return fc.boolean();
    case 'integer':
    case 'number': {
      const min = s.minimum ?? (s.exclusiveMinimum !== undefined ? s.exclusiveMinimum + 1 : -1_000_000);
      const max = s.maximum ?? (s.exclusiveMaximum !== undefined ? s.exclusiveMaximum - 1 : 1_000_000_000);
      if (s.type === 'integer') return fc.integer({ min: Math.ceil(min), max: Math.floor(max) });
      return fc.double({ min, max, noNaN: true, noDefaultInfinity: true });
    }
    case 'string':
      return stringFor(s);
    case 'array': {
      if (s.prefixItems) return fc.tuple(...s.prefixItems.map((p: Schema) => valid(p, resolve, depth + 1)));
      const minLength = s.minItems ?? 0;
      const maxLength = Math.min(s.maxItems ?? minLength + 3, minLength + (depth > 2 ? 0 : 3));
      const item = valid(s.items ?? {}, resolve, depth + 1);
      const uniq = s.uniqueItems ? fc.uniqueArray : fc.array;
      return uniq(item as fc.Arbitrary<unknown>, { minLength, maxLength }) as fc.Arbitrary<unknown>;
    }
    case 'object':
      return objectFor(s, resolve, depth);
    default:
      // `{}`: any JSON value; small.
      return fc.oneof(fc.string({ maxLength: 8 }), fc.integer(), fc.boolean(), fc.constant(null));
  }
}

function mergeProps(base: Schema = {}, extra: Schema = {}, resolve: Resolve): Schema {
  const out: Schema = {};
  for (const [k, v] of Object.entries(extra)) {
    const b = base[k] ? resolve(base[k]) : {};
    // The property's own schema wins; the branch only adds what it requires.
    out[k] = { ...v, ...b, required: [...new Set([...(b.required ?? []), ...(v.required ?? [])])] };
  }
  return out;
}

function stringFor(s: Schema): fc.Arbitrary<string> {
  const minLength = s.minLength ?? 0;
  const maxLength = Math.min(s.maxLength ?? 40, Math.max(minLength, 40));
  const fits = (v: string) => v.length >= minLength && v.length <= (s.maxLength ?? Number.POSITIVE_INFINITY);
  if (s.format === 'uri') return fc.webUrl({ validSchemes: ['https'] });
  if (s.format === 'email') return fc.emailAddress();
  if (s.pattern) return fc.stringMatching(new RegExp(s.pattern)).filter(fits);
  return fc.string({ unit: 'grapheme-ascii', minLength, maxLength }).filter(fits);
}

function objectFor(s: Schema, resolve: Resolve, depth: number): fc.Arbitrary<Record<string, unknown>> {
  const props: Record<string, Schema> = s.properties ?? {};
  const required: string[] = s.required ?? [];
  const shape: Record<string, fc.Arbitrary<unknown>> = {};
  for (const [k, v] of Object.entries(props)) shape[k] = valid(v, resolve, depth + 1);
  const known = fc.record(shape, { requiredKeys: required });
  const extra = s.additionalProperties;
  if (!extra || depth > 2 || Object.keys(props).length) return known;
  const key = resolve(s.propertyNames ?? {}).pattern
    ? stringFor(resolve(s.propertyNames))
    : fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 12 });
  return fc.dictionary(key, valid(extra === true ? {} : extra, resolve, depth + 1), {
    maxKeys: Math.min(3, s.maxProperties ?? 3),
  });
}

/**
 * One way to make a valid object invalid, at its top level: drop a required field, add an unknown one
 * (where unknown fields are refused), give a field the wrong type, or break its bounds. The caller
 * re-validates with Ajv and keeps only values the document really refuses.
 */
export function mutation(schema: Schema, resolve: Resolve): fc.Arbitrary<(v: any) => any> {
  const s = resolve(schema);
  const props: Record<string, Schema> = s.properties ?? {};
  const names = Object.keys(props);
  const out: Array<fc.Arbitrary<(v: any) => any>> = [
    fc.constantFrom(
      () => [],
      () => 'text',
      () => 42,
    ),
  ];
  if (s.required?.length)
    out.push(
      fc.constantFrom(...s.required).map((k: string) => (v: any) => {
        const c = { ...v };
        delete c[k];
        return c;
      }),
    );
  if (s.additionalProperties === false) out.push(printable.map((k) => (v: any) => ({ ...v, [`x_${k}`]: 1 })));
  if (names.length) {
    out.push(
      fc
        .tuple(
          fc.constantFrom(...names),
          fc.constantFrom<unknown>(true, {}, [], 'x', -1, 1.5, ''.padEnd(5000, 'z')),
        )
        .map(([k, bad]) => (v: any) => ({ ...v, [k]: bad })),
    );
  }
  return fc.oneof(...out);
}

/** Query parameter values the document refuses, for one parameter schema. */
export function badQueryValue(schema: Schema): string[] {
  const bad = ['', 'null', '-1', '1.5', 'x'.repeat(300), '1e3', ' 1'];
  if (schema.maximum !== undefined) bad.push(String(schema.maximum + 1));
  if (schema.minimum !== undefined) bad.push(String(schema.minimum - 1));
  return bad;
}
