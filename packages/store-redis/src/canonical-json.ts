import { StoreRequestError } from '@ntpass/core';

/**
 * Encodes a JSON value with object keys sorted at every depth, refusing what
 * JSON cannot hold (undefined, functions, NaN, class instances) with a
 * {@link StoreRequestError} naming the path.
 *
 * Two values are deep-equal (object keys in any order, arrays by position) iff
 * their canonical texts are equal, so a Lua script can judge a `fields` check
 * by comparing strings, without decoding JSON (whose Lua encoder would round
 * numbers to 14 digits).
 */
export function canonicalJson(value: unknown, path: string): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new StoreRequestError(`${path} must be a finite number`);
      return JSON.stringify(value);
    case 'object':
      break;
    default:
      throw new StoreRequestError(`${path} is not JSON`);
  }
  if (Array.isArray(value)) {
    const items: string[] = [];
    for (let i = 0; i < value.length; i++) items.push(canonicalJson(value[i], `${path}[${i}]`));
    return `[${items.join(',')}]`;
  }
  if (!isPlainObject(value)) throw new StoreRequestError(`${path} is not JSON`);
  const entries = Object.keys(value)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k], `${path}.${k}`)}`);
  return `{${entries.join(',')}}`;
}

/**
 * A record's fields as the flat list the scripts store:
 * `[name, valueJson, name, valueJson, ...]`, names raw. A scalar (the common
 * case: numbers, strings, booleans, null) skips the generic encoder.
 */
export function flatFields(fields: unknown, path: string): string[] {
  if (typeof fields !== 'object' || fields === null || Array.isArray(fields) || !isPlainObject(fields)) {
    throw new StoreRequestError(`${path} must be a JSON object`);
  }
  const flat: string[] = [];
  for (const name in fields) {
    if (!Object.prototype.hasOwnProperty.call(fields, name)) continue;
    flat.push(name, fieldJson((fields as Record<string, unknown>)[name], path, name));
  }
  return flat;
}

/** One field's canonical JSON text. */
export function fieldJson(value: unknown, path: string, name: string): string {
  if (value === null) return 'null';
  if (value === true) return 'true';
  if (value === false) return 'false';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' && Number.isFinite(value)) return JSON.stringify(value);
  return canonicalJson(value, `${path}.${name}`);
}

function isPlainObject(value: object): boolean {
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
