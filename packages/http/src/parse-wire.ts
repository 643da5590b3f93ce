import { NtpassError } from '@ntpass/core';
import type { z } from 'zod';

/**
 * Parses a request part with its route schema, or throws `INVALID_ARGUMENT`
 * "<operation>: <field> <problem>" naming the field as the caller sent it
 * (`tenant`, `_PASSWORD`), not as the engine calls it.
 */
export function parseWire<S extends z.ZodType>(schema: S, value: unknown, operation: string, part: 'body' | 'query'): z.output<S> {
  const what = part === 'body' ? 'request body' : 'query string';
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalid(operation, part, `${what} must be a JSON object`);
  }
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const path = issue?.path.map(String).join('.') ?? '';
  if (issue === undefined) throw invalid(operation, part, `${what} is invalid`);
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0] ?? '?';
    const field = path ? `${path}.${key}` : key;
    throw invalid(operation, field, `${field} is not a known ${part === 'body' ? 'field' : 'parameter'}`);
  }
  const field = path || part;
  // zod leaves `issue.input` out unless asked to report it, so look the field up instead.
  const missing = issue.code === 'invalid_type' && valueAt(value, issue.path) === undefined;
  throw invalid(operation, field, `${field} ${missing ? 'is required' : issue.message}`);
}

function valueAt(value: unknown, path: readonly PropertyKey[]): unknown {
  let current = value;
  for (const key of path) {
    if (typeof current !== 'object' || current === null || !Object.hasOwn(current, key)) return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

function invalid(operation: string, field: string, problem: string): NtpassError {
  return new NtpassError('INVALID_ARGUMENT', `${operation}: ${problem}`, { field });
}

/**
 * The query string as an object for a route's schema: a value of digits
 * becomes a number (`count=5`), anything else stays text so the schema names
 * it. A repeated parameter is refused rather than silently picked.
 */
export function queryObject(params: URLSearchParams, operation: string): Record<string, string | number> {
  // No prototype: a parameter named __proto__ stays a parameter (and is refused as unknown).
  const out: Record<string, string | number> = Object.create(null) as Record<string, string | number>;
  for (const [key, value] of params) {
    if (Object.hasOwn(out, key)) throw invalid(operation, key, `${key} is given more than once`);
    out[key] = /^\d{1,15}$/.test(value) ? Number(value) : value;
  }
  return out;
}
