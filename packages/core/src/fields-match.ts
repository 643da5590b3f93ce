import type { Fields, Json } from './store.js';

/*
 * For adapter authors whose store compares in JavaScript (memory, SQLite):
 * the contract's `fields` check semantics in one place, so every adapter
 * agrees on them. (Redis compares canonical JSON inside Lua instead.)
 */

/** Deep JSON equality: object keys in any order, arrays by position. */
export function jsonEqual(a: Json | undefined, b: Json | undefined): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((v, i) => jsonEqual(v as Json, b[i] as Json));
  }
  const ao = a as Record<string, Json>;
  const bo = b as Record<string, Json>;
  const keys = Object.keys(ao);
  if (keys.length !== Object.keys(bo).length) return false;
  return keys.every((k) => Object.hasOwn(bo, k) && jsonEqual(ao[k], bo[k]));
}

/**
 * Whether a record's `value` passes a `fields` check: each expected field
 * deep-equals, and an expected `null` matches a field that is absent or null.
 */
export function fieldsMatch(value: Fields, equals: Fields): boolean {
  for (const field in equals) {
    const expected = equals[field] as Json;
    const actual = Object.hasOwn(value, field) ? value[field] : undefined;
    if (expected === null ? actual !== undefined && actual !== null : !jsonEqual(actual, expected)) return false;
  }
  return true;
}
