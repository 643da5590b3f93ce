import { StoreRequestError, type IndexEntry, type Json } from '@ntpass/core';

/**
 * Deep-copies and freezes a JSON value, refusing what JSON cannot hold
 * (undefined, functions, NaN, class instances), so no caller can alias or
 * mutate what the store keeps and reads can hand out the stored object.
 */
export function freezeJson(value: unknown, path = 'value'): Json {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new StoreRequestError(`${path} must be a finite number`);
    return value;
  }
  if (Array.isArray(value)) return Object.freeze(value.map((v, i) => freezeJson(v, `${path}[${i}]`)));
  if (typeof value === 'object' && isPlainObject(value)) {
    const out: Record<string, Json> = {};
    for (const [k, v] of Object.entries(value)) out[k] = freezeJson(v, `${path}.${k}`);
    return Object.freeze(out);
  }
  throw new StoreRequestError(`${path} is not JSON`);
}

/** Compares strings by Unicode code point, which is UTF-8 byte order (what Redis and SQLite use). */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // Surrogates (0xD800–0xDFFF) encode code points above every BMP character.
    const xs = x >= 0xd800 && x <= 0xdfff;
    const ys = y >= 0xd800 && y <= 0xdfff;
    if (xs !== ys) return xs ? 1 : -1;
    return x - y;
  }
  return a.length - b.length;
}

/** Index order: by sort key, then member. */
export function compareEntries(a: IndexEntry, b: IndexEntry): number {
  return compareCodePoints(a.sortKey, b.sortKey) || compareCodePoints(a.member, b.member);
}

function isPlainObject(value: object): boolean {
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
