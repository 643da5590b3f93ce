import { z } from 'zod';
import { invalidArgument } from './errors.js';
import { toEpochMs } from './time.js';

/*
 * Input schemas are zod, so the HTTP package can turn the very schemas that
 * validate a call into its OpenAPI document. Every failure becomes
 * INVALID_ARGUMENT with "<operation>: <field> <problem>".
 */

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const LONE_SURROGATE = /\p{Cs}/u;

/** A caller-chosen id: 1–256 characters, no control characters, well-formed Unicode. */
export const idSchema = z
  .string({ error: 'must be a string' })
  .min(1, { error: 'must be 1 to 256 characters' })
  .max(256, { error: 'must be 1 to 256 characters' })
  .refine((s) => !CONTROL.test(s), { error: 'must not contain control characters' })
  .refine((s) => !LONE_SURROGATE.test(s), { error: 'must be well-formed Unicode' });

/** A time input (see `TimeInput`), parsed to epoch ms. */
export const timeSchema = z
  .union([z.date(), z.number(), z.string()], { error: 'must be a Date, epoch milliseconds, or an ISO-8601 date-time with a zone' })
  .transform((value, ctx) => {
    const ms = toEpochMs(value);
    if (ms === undefined) {
      ctx.addIssue({ code: 'custom', message: 'must be a Date, epoch milliseconds, or an ISO-8601 date-time with a zone' });
      return z.NEVER;
    }
    return ms;
  });

/** An integer within [min, max]. */
export function intSchema(min: number, max = Number.MAX_SAFE_INTEGER) {
  const range = max === Number.MAX_SAFE_INTEGER ? `an integer >= ${min}` : `an integer from ${min} to ${max}`;
  return z
    .number({ error: `must be ${range}` })
    .int({ error: `must be ${range}` })
    .min(min, { error: `must be ${range}` })
    .max(max, { error: `must be ${range}` });
}

/**
 * Parses `input` with `schema` (use `z.strictObject` so unknown fields are
 * refused), or throws `INVALID_ARGUMENT` naming the first bad field.
 */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, operation: string): z.output<S> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw invalidArgument(operation, 'options', 'must be an object');
  }
  // The fast path first: `reportInput` turns off zod's compiled object parser
  // (~4 µs instead of ~1 µs per call), and only a failure needs it.
  const fast = schema.safeParse(input);
  if (fast.success) return fast.data;
  // reportInput: without it no issue carries `input`, and every wrong type would read as missing.
  const result = schema.safeParse(input, { reportInput: true });
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  if (issue === undefined) throw invalidArgument(operation, 'options', 'are invalid');
  const path = issue.path.map(String).join('.');
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0] ?? '?';
    throw invalidArgument(operation, path ? `${path}.${key}` : key, 'is not a known option');
  }
  const missing = issue.code === 'invalid_type' && issue.input === undefined;
  throw invalidArgument(operation, path || 'options', missing ? 'is required' : issue.message);
}
