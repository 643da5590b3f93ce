import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeEntry, encodeSortKey } from '../src/index-entry.js';

// Redis orders sorted-set members of equal score by their bytes; an entry's
// member `encodeSortKey(sortKey) + member` must sort exactly as the pair
// (sortKey, member) does, byte-wise, and decode back to it.

const bytes = (s: string) => Buffer.from(s, 'utf8');
const text = fc.string({ unit: fc.constantFrom('\0', '\x01', 'a', 'b', 'é', '\u{1F600}'), maxLength: 5 });

describe('index entries', () => {
  it('sort by (sortKey, member) in byte order', () => {
    fc.assert(
      fc.property(text, text, text, text, (s1, m1, s2, m2) => {
        const byPair = Buffer.compare(bytes(s1), bytes(s2)) || Buffer.compare(bytes(m1), bytes(m2));
        const byEntry = Buffer.compare(bytes(encodeSortKey(s1) + m1), bytes(encodeSortKey(s2) + m2));
        return Math.sign(byPair) === Math.sign(byEntry);
      }),
      { numRuns: 2000 },
    );
  });

  it('decode to the sort key, member and value they were written with', () => {
    fc.assert(
      fc.property(text, text, fc.option(fc.jsonValue(), { nil: undefined }), (sortKey, member, value) => {
        const valueText = value === undefined || value === null ? '' : JSON.stringify(value);
        const entry = decodeEntry(encodeSortKey(sortKey) + member, encodeSortKey(sortKey) + valueText);
        expect(entry).toEqual({ sortKey, member, value: value === undefined ? null : JSON.parse(JSON.stringify(value)) });
      }),
    );
  });
});
