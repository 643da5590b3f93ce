import type { IndexEntry, Json } from '@ntpass/core';

/**
 * A frozen deep copy of a JSON value (already checked by core), so no caller
 * can alias or mutate what the store keeps and reads can hand out the stored
 * object. Called on writes only, never on a read.
 */
export function copyJson(value: Json): Json {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return Object.freeze(value.map(copyJson));
  const out: Record<string, Json> = {};
  for (const k of Object.keys(value)) {
    const v = copyJson((value as Record<string, Json>)[k]!);
    // A field named "__proto__" must stay a field, not become the prototype.
    if (k === '__proto__') Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
    else out[k] = v;
  }
  return Object.freeze(out);
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
