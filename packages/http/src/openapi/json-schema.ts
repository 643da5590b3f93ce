import { z } from 'zod';

/** A JSON Schema (2020-12, as OpenAPI 3.1 uses it) as plain data. */
export type JsonSchema = { [key: string]: unknown };

const DROP = 'x-ntpass-drop';

/**
 * Converts a zod schema to the JSON Schema a request must satisfy (`input`)
 * or a response satisfies (`output`). A JSON body cannot carry a `Date`, so
 * the `Date` branch of time fields is dropped rather than shown as "anything".
 * Local `$defs` (recursive JSON values) are moved into `defs` under
 * `prefix`-ed names, with their `$ref`s rewritten to `#/components/schemas/…`.
 */
export function toJsonSchema(schema: z.ZodType, io: 'input' | 'output', prefix: string, defs: Record<string, JsonSchema>): JsonSchema {
  const converted = z.toJSONSchema(schema, {
    io,
    target: 'draft-2020-12',
    unrepresentable: 'any',
    override: (ctx) => {
      if (ctx.zodSchema._zod.def.type === 'date') ctx.jsonSchema[DROP] = true;
    },
  }) as JsonSchema;
  const { $schema: _dialect, $defs, ...root } = converted;
  const rename = (name: string) => `${prefix}_${name.replace(/[^A-Za-z0-9._-]/g, '')}`;
  if (typeof $defs === 'object' && $defs !== null) {
    for (const [name, def] of Object.entries($defs)) defs[rename(name)] = tidy(def, rename) as JsonSchema;
  }
  return tidy(root, rename) as JsonSchema;
}

/** Drops the marked branches, collapses one-branch `anyOf`s and rewrites local `$ref`s. */
function tidy(value: unknown, rename: (name: string) => string): unknown {
  if (Array.isArray(value)) return value.map((item) => tidy(item, rename));
  if (typeof value !== 'object' || value === null) return value;
  const out: JsonSchema = {};
  for (const [key, item] of Object.entries(value)) {
    if (key === '$ref' && typeof item === 'string' && item.startsWith('#/$defs/')) {
      out[key] = `#/components/schemas/${rename(item.slice('#/$defs/'.length))}`;
    } else if (key === 'anyOf' && Array.isArray(item)) {
      const kept = item.filter((branch) => !(typeof branch === 'object' && branch !== null && DROP in branch));
      const branches = kept.map((branch) => tidy(branch, rename));
      if (branches.length === 1 && typeof branches[0] === 'object') Object.assign(out, branches[0]);
      else out[key] = branches;
    } else {
      out[key] = tidy(item, rename);
    }
  }
  return out;
}
