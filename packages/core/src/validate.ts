import { z } from 'zod';
import { invalidArgument, isNtpassError, NtpassError } from './errors.js';
import { toEpochMs } from './time.js';

/*
 * Input schemas are zod, so the HTTP package can turn the very schemas that
 * validate a call into its OpenAPI document. Every failure becomes
 * INVALID_ARGUMENT with "<operation>: <field> <problem>".
 */

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const LONE_SURROGATE = /\p{Cs}/u;

/** Whether `s` is a valid caller-chosen id: 1–256 characters, no control characters, well-formed Unicode. */
export function isValidId(s: unknown): s is string {
  return typeof s === 'string' && s.length >= 1 && s.length <= 256 && !CONTROL.test(s) && !LONE_SURROGATE.test(s);
}

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
  const fast = safely(() => schema.safeParse(input), operation);
  if (fast.success) return fast.data;
  // reportInput: without it no issue carries `input`, and every wrong type would read as missing.
  const result = safely(() => schema.safeParse(input, { reportInput: true }), operation);
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

/**
 * Runs a parse that may read hostile input: a getter or a Proxy trap that
 * throws is the caller's bad input, so it becomes INVALID_ARGUMENT rather
 * than escaping as whatever it threw.
 */
function safely<T>(parse: () => T, operation: string): T {
  try {
    return parse();
  } catch (cause) {
    if (isNtpassError(cause)) throw cause;
    throw new NtpassError('INVALID_ARGUMENT', `${operation}: options could not be read (a getter or proxy threw)`, { field: 'options', cause });
  }
}

/** Bounds of a JSON value a host hands the engine to keep (`data`). */
export interface JsonBounds {
  /** Most UTF-8 bytes once serialised. */
  readonly maxBytes: number;
  /** Most levels of nested arrays and objects (a scalar is level 0). */
  readonly maxDepth: number;
}

const NOT_JSON = 'must be JSON (objects, arrays, strings, finite numbers, booleans, null)';

/**
 * Why `value` is not plain JSON within `bounds`, or `undefined` when it is.
 * Iterative and stopping at the first excess, so a value nested a million
 * levels deep, a cycle, a 100 MB string or an object of a million keys costs
 * at most about `maxBytes` steps and never overflows the stack.
 */
export function jsonProblem(value: unknown, bounds: JsonBounds): string | undefined {
  const tooBig = `must be at most ${bounds.maxBytes} bytes as JSON`;
  const tooDeep = `must be nested at most ${bounds.maxDepth} levels deep`;
  const stack: { readonly value: unknown; readonly depth: number }[] = [{ value, depth: 0 }];
  let bytes = 0;
  try {
    while (stack.length > 0) {
      const { value: v, depth } = stack.pop() as { value: unknown; depth: number };
      if (v === null || typeof v === 'boolean') bytes += 5;
      else if (typeof v === 'number') {
        if (!Number.isFinite(v)) return NOT_JSON;
        bytes += String(v).length;
      } else if (typeof v === 'string') {
        // Cheap bound first: a string longer than the budget needs no encoding to be refused.
        if (v.length > bounds.maxBytes) return tooBig;
        bytes += utf8Length(JSON.stringify(v));
      } else if (typeof v === 'object') {
        if (depth >= bounds.maxDepth) return tooDeep;
        const children = Array.isArray(v) ? v : plainEntries(v);
        if (children === undefined) return NOT_JSON;
        bytes += 2 + Math.max(0, children.length - 1);
        for (const child of children) {
          if (bytes > bounds.maxBytes) return tooBig;
          if (Array.isArray(v)) stack.push({ value: child, depth: depth + 1 });
          else {
            const [key, item] = child as [string, unknown];
            bytes += utf8Length(JSON.stringify(key)) + 1;
            stack.push({ value: item, depth: depth + 1 });
          }
        }
      } else return NOT_JSON;
      if (bytes > bounds.maxBytes) return tooBig;
    }
  } catch {
    // A getter or a proxy that throws: not plain data.
    return NOT_JSON;
  }
  return undefined;
}

/** The entries of a plain object (prototype Object or null), `undefined` for anything else. */
function plainEntries(v: object): [string, unknown][] | undefined {
  const proto = Object.getPrototypeOf(v) as unknown;
  if (proto !== Object.prototype && proto !== null) return undefined;
  return Object.entries(v);
}

const encoder = new TextEncoder();

function utf8Length(text: string): number {
  // ASCII is the common case and needs no encoding.
  // eslint-disable-next-line no-control-regex
  return /^[\u0000-\u007f]*$/.test(text) ? text.length : encoder.encode(text).length;
}

/**
 * A schema that refuses a value over `bounds` (or not JSON) before `inner`
 * sees it, so a recursive `inner` never recurses past `maxDepth`.
 */
export function boundedJson<S extends z.ZodType>(inner: S, bounds: JsonBounds) {
  return z
    .unknown()
    .check((ctx) => {
      const problem = jsonProblem(ctx.value, bounds);
      if (problem !== undefined) ctx.issues.push({ code: 'custom', message: problem, input: ctx.value });
    })
    .pipe(inner);
}
