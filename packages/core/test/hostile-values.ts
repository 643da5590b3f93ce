import fc from 'fast-check';

/*
 * Values a careless or hostile caller hands an entry point: nested far past
 * any stack, cyclic, wide, huge. Built once (some take a moment to build) and
 * drawn by fuzz tests wherever a field value goes.
 */

function nest(levels: number, asObject: boolean): unknown {
  let value: unknown = 'leaf';
  for (let i = 0; i < levels; i++) value = asObject ? { k: value } : [value];
  return value;
}

const cyclicObject: Record<string, unknown> = { a: 1 };
cyclicObject['self'] = cyclicObject;
const cyclicArray: unknown[] = [1];
cyclicArray.push(cyclicArray);

/** Deep, cyclic, wide and huge values, with a name for failure messages. */
export const HOSTILE_VALUES: readonly (readonly [string, unknown])[] = [
  ['array nested 1,500 deep', nest(1_500, false)],
  ['object nested 1,500 deep', nest(1_500, true)],
  ['array nested 100,000 deep', nest(100_000, false)],
  ['object nested 100,000 deep', nest(100_000, true)],
  ['cyclic object', cyclicObject],
  ['cyclic array', cyclicArray],
  ['object of 100,000 keys', Object.fromEntries(Array.from({ length: 100_000 }, (_, i) => [`k${i}`, i]))],
  ['array of 200,000 numbers', Array.from({ length: 200_000 }, (_, i) => i)],
  ['array of 200,000 strings', Array.from({ length: 200_000 }, () => 'a@x.org ')],
  ['string of 10 MB', 'x'.repeat(10_000_000)],
  ['string of 200,000 emoji', '\u{1F600}'.repeat(200_000)],
  ['object with a throwing getter', { get boom(): never { throw new Error('getter'); } }],
  ['proxy that throws on every trap', new Proxy({}, { get: () => { throw new Error('trap'); }, ownKeys: () => { throw new Error('trap'); }, getPrototypeOf: () => { throw new Error('trap'); } })],
];

/** One of {@link HOSTILE_VALUES}. */
export const hostile: fc.Arbitrary<unknown> = fc.constantFrom(...HOSTILE_VALUES.map(([, value]) => value));
