import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { StoreRequestError } from '@ntpass/core';
import { canonicalJson, flatFields } from '../src/canonical-json.js';

// The commit script judges `fields` checks by comparing canonical texts, so
// canonical equality must be exactly deep JSON equality.

const json = fc.jsonValue({ maxDepth: 3, noUnicodeString: false });

/** The same value with object keys in another order. */
function shuffled(value: unknown, seed: number): unknown {
  if (Array.isArray(value)) return value.map((v) => shuffled(v, seed));
  if (typeof value !== 'object' || value === null) return value;
  const keys = Object.keys(value);
  const order = keys.map((k, i) => [k, (i * 7919 + seed) % (keys.length + 1)] as const).sort((a, b) => a[1] - b[1]);
  return Object.fromEntries(order.map(([k]) => [k, shuffled((value as Record<string, unknown>)[k], seed)]));
}

describe('canonicalJson', () => {
  it('is equal for deep-equal values whatever their key order', () => {
    fc.assert(fc.property(json, fc.nat(), (v, seed) => canonicalJson(v, 'v') === canonicalJson(shuffled(v, seed), 'v')));
  });

  it('differs for values that are not deep-equal', () => {
    fc.assert(
      fc.property(json, json, (a, b) => {
        // -0 and 0 are one JSON number.
        const same = isDeepStrictEqual(JSON.parse(JSON.stringify(a)), JSON.parse(JSON.stringify(b)));
        return (canonicalJson(a, 'v') === canonicalJson(b, 'v')) === same;
      }),
    );
  });

  it('round-trips through JSON.parse, numbers exactly', () => {
    const values = [0.1 + 0.2, 2 ** 53 - 1, -(2 ** 53 - 1), 1e-300, 1.7976931348623157e308, 5e-324];
    for (const n of values) expect(JSON.parse(canonicalJson({ n }, 'v'))).toEqual({ n });
  });

  it('refuses what JSON cannot hold, naming the path', () => {
    const bad: [unknown, RegExp][] = [
      [{ a: undefined }, /v\.a is not JSON/],
      [{ a: [1, NaN] }, /v\.a\[1\] must be a finite number/],
      [{ d: new Date(0) }, /v\.d is not JSON/],
      [{ f: () => 1 }, /v\.f is not JSON/],
      [{ big: 10n }, /v\.big is not JSON/],
    ];
    for (const [value, message] of bad) {
      expect(() => canonicalJson(value, 'v')).toThrow(StoreRequestError);
      expect(() => canonicalJson(value, 'v')).toThrow(message);
    }
  });

  it('accepts objects without a prototype', () => {
    const o = Object.assign(Object.create(null) as object, { b: 1, a: 2 });
    expect(canonicalJson(o, 'v')).toBe('{"a":2,"b":1}');
  });
});

describe('flatFields', () => {
  it('lists raw names and canonical values in field order', () => {
    expect(flatFields({ z: { b: 1, a: [true, null] }, 'q"': 's', n: null, t: 1e21 }, 'v')).toEqual(['z', '{"a":[true,null],"b":1}', 'q"', '"s"', 'n', 'null', 't', '1e+21']);
  });

  it('refuses a value that is not an object', () => {
    for (const v of [null, [], 'x', 1]) expect(() => flatFields(v, 'commit: ops[0].value')).toThrow(/ops\[0\]\.value must be a JSON object/);
  });
});
