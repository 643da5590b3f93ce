import { z } from 'zod';
import type { Json } from '../store.js';
import { boundedJson, idSchema } from '../validate.js';
import { MAX_DATA_BYTES, MAX_DATA_DEPTH, MAX_INSTANCE_ID_LENGTH } from './limits.js';
import type { VerifyCredential } from './types.js';

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const LONE_SURROGATE = /\p{Cs}/u;
const instanceIdRange = `must be 1 to ${MAX_INSTANCE_ID_LENGTH} characters`;

/**
 * An instance id as operations accept it: `idSchema`'s rules, but longer,
 * because a generated id embeds the muid (`"<METHODTYPE>:<uuid>:<muid>"`).
 */
export const instanceIdSchema = z
  .string({ error: 'must be a string' })
  .min(1, { error: instanceIdRange })
  .max(MAX_INSTANCE_ID_LENGTH, { error: instanceIdRange })
  .refine((s) => !CONTROL.test(s), { error: 'must not contain control characters' })
  .refine((s) => !LONE_SURROGATE.test(s), { error: 'must be well-formed Unicode' });

const notJson = 'must be JSON (objects, arrays, strings, finite numbers, booleans, null)';

// z.json() names only its first branch's failure; this names the whole value.
const jsonSchema: z.ZodType<Json> = z.lazy(() =>
  z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(jsonSchema), z.record(z.string(), jsonSchema)], {
    error: notJson,
  }),
);

/**
 * The host's instance data: plain JSON of at most 4 KiB once serialised and
 * 32 levels deep, bounded before the recursive schema walks it (a value 1,500
 * levels deep once overflowed the stack).
 */
export const instanceDataSchema = boundedJson(jsonSchema, { maxBytes: MAX_DATA_BYTES, maxDepth: MAX_DATA_DEPTH }).meta({
  description: `Any JSON value: at most ${MAX_DATA_BYTES} bytes serialised, nested at most ${MAX_DATA_DEPTH} levels`,
});

const verifySchema = z.custom<VerifyCredential>((value) => typeof value === 'function', {
  error: (issue) =>
    issue.input === undefined ? 'is required' : 'must be a function ({ instanceId, data }) => boolean | Promise<boolean>',
});

/**
 * The zod schemas of the method operations' inputs, for an engine that knows
 * `methodTypes`. Unknown fields are refused (strict objects). Exported so an
 * HTTP layer can derive its OpenAPI document from the very schemas that
 * validate a call.
 */
export function createMethodSchemas(methodTypes: readonly string[]) {
  const known = new Set(methodTypes);
  const methodType = z
    .string({ error: 'must be a string' })
    .refine((type) => known.has(type), { error: `is not a known method type (${methodTypes.join(', ')})` });
  const method = { tenantId: idSchema.optional(), muid: idSchema, methodType };
  return {
    methodInfo: z.strictObject({
      tenantId: idSchema.optional(),
      muid: idSchema,
      methodTypes: z
        .array(methodType, { error: 'must be a non-empty array of method types' })
        .min(1, { error: 'must be a non-empty array of method types' })
        .max(64, { error: 'must list at most 64 method types' }),
    }),
    method: z.strictObject(method),
    instance: z.strictObject({ ...method, instanceId: instanceIdSchema }),
    initiateInstance: z.strictObject({ ...method, instanceId: idSchema.optional(), data: instanceDataSchema.optional() }),
    authenticate: z.strictObject({ ...method, instanceId: instanceIdSchema.optional(), verify: verifySchema }),
  };
}

/** The schemas {@link createMethodSchemas} returns. */
export type MethodSchemas = ReturnType<typeof createMethodSchemas>;
