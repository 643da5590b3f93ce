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
 * `[nameJson, valueJson, nameJson, valueJson, ...]`. Names are JSON-encoded so
 * a script can rebuild the object's text by concatenation.
 */
export function flatFields(fields: unknown, path: string): string[] {
  if (typeof fields !== 'object' || fields === null || Array.isArray(fields) || !isPlainObject(fields)) {
    throw new StoreRequestError(`${path} must be a JSON object`);
  }
  const flat: string[] = [];
  for (const [name, value] of Object.entries(fields)) flat.push(JSON.stringify(name), canonicalJson(value, `${path}.${name}`));
  return flat;
}

function isPlainObject(value: object): boolean {
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
