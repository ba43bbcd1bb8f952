// A small JSON Schema checker for the subset the vendored OpenAI fine-tuning schemas
// use (type, properties, required, additionalProperties, items, min/maxItems, enum,
// oneOf, anyOf, allOf, OpenAPI's nullable, local $ref). A keyword it does not know
// makes it throw, so a schema that relies on more than it checks cannot pass silently.

type Schema = Record<string, unknown>;

const KNOWN = new Set(['type', 'properties', 'required', 'additionalProperties', 'items', 'minItems', 'maxItems', 'enum', 'oneOf', 'anyOf', 'allOf', 'nullable', '$ref', 'format', '$comment', '$defs']);

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

export class SchemaChecker {
  constructor(private readonly root: Schema) {}

  /** Every way `value` fails `schema`, as `path: reason` lines (none when it fits). */
  problems(value: unknown, schema: Schema = this.root, path = '$'): string[] {
    for (const key of Object.keys(schema)) if (!KNOWN.has(key)) throw new Error(`schema keyword "${key}" at ${path} is not supported by this checker`);
    if (typeof schema.$ref === 'string') {
      const name = /^#\/\$defs\/(.+)$/.exec(schema.$ref)?.[1];
      const target = name ? (this.root.$defs as Record<string, Schema>)[name] : undefined;
      if (!target) throw new Error(`unresolved $ref ${schema.$ref}`);
      return this.problems(value, target, path);
    }
    if (value === null && schema.nullable === true) return [];
    const out: string[] = [];
    const actual = typeOf(value);
    if (typeof schema.type === 'string') {
      const ok = schema.type === actual || (schema.type === 'number' && actual === 'integer');
      if (!ok) return [`${path}: expected ${schema.type}, got ${actual}`];
    }
    if (Array.isArray(schema.enum) && !schema.enum.some((e) => e === value)) out.push(`${path}: ${JSON.stringify(value)} is not one of ${JSON.stringify(schema.enum)}`);
    if (actual === 'object') {
      const obj = value as Record<string, unknown>;
      for (const key of (schema.required as string[] | undefined) ?? []) if (!(key in obj)) out.push(`${path}: "${key}" is required`);
      const props = (schema.properties as Record<string, Schema> | undefined) ?? {};
      for (const [key, v] of Object.entries(obj)) {
        if (props[key]) out.push(...this.problems(v, props[key], `${path}.${key}`));
        else if (schema.additionalProperties === false) out.push(`${path}: "${key}" is not allowed`);
        else if (typeof schema.additionalProperties === 'object') out.push(...this.problems(v, schema.additionalProperties as Schema, `${path}.${key}`));
      }
    }
    if (actual === 'array') {
      const arr = value as unknown[];
      if (typeof schema.minItems === 'number' && arr.length < schema.minItems) out.push(`${path}: ${arr.length} items, at least ${schema.minItems}`);
      if (typeof schema.maxItems === 'number' && arr.length > schema.maxItems) out.push(`${path}: ${arr.length} items, at most ${schema.maxItems}`);
      if (schema.items) arr.forEach((v, i) => out.push(...this.problems(v, schema.items as Schema, `${path}[${i}]`)));
    }
    for (const s of (schema.allOf as Schema[] | undefined) ?? []) out.push(...this.problems(value, s, path));
    if (Array.isArray(schema.anyOf) && !schema.anyOf.some((s) => this.problems(value, s as Schema, path).length === 0)) out.push(`${path}: fits none of anyOf`);
    if (Array.isArray(schema.oneOf)) {
      const fits = schema.oneOf.filter((s) => this.problems(value, s as Schema, path).length === 0).length;
      if (fits !== 1) out.push(`${path}: fits ${fits} of oneOf, must fit exactly one`);
    }
    return out;
  }

  /** The problems of `value` against the named definition. */
  check(value: unknown, definition: string): string[] {
    return this.problems(value, { $ref: `#/$defs/${definition}` });
  }
}
