import { describe, expect, it } from 'vitest';
import { isNtpassError, parseTime } from '../src/index.js';

const parse = (v: unknown) => parseTime(v, 'op', 'startTime');

describe('parseTime', () => {
  it.each([
    [new Date('2030-02-01T00:00:00Z'), Date.UTC(2030, 1, 1)],
    [1893456000000, 1893456000000],
    ['1598036400000', 1598036400000],
    ['2020-11-02T23:55:51.043Z', Date.UTC(2020, 10, 2, 23, 55, 51, 43)],
    ['2020-11-02T23:55:51+01:00', Date.UTC(2020, 10, 2, 22, 55, 51)],
    ['2020-11-02T23:55:51-0130', Date.UTC(2020, 10, 3, 1, 25, 51)],
    ['2030-02-01', Date.UTC(2030, 1, 1)],
    [0, 0],
  ])('accepts %s', (input, expected) => {
    expect(parse(input)).toBe(expected);
  });

  it.each([
    ['2020-11-02T23:55:51', 'a date-time without a zone'],
    [Number.NaN, 'NaN'],
    [null, 'null'],
    [undefined, 'undefined'],
    [1.5, 'a fraction of a millisecond'],
    ['tomorrow', 'words'],
    ['', 'an empty string'],
    [new Date('nope'), 'an invalid Date'],
    [1e20, 'beyond the Date range'],
    [{}, 'an object'],
  ] as [unknown, string][])('refuses %s (%s) with INVALID_ARGUMENT naming the field', (input) => {
    try {
      parse(input);
      expect.unreachable();
    } catch (e) {
      expect(isNtpassError(e) && e.code).toBe('INVALID_ARGUMENT');
      expect((e as Error).message).toMatch(/^op: startTime /);
    }
  });
});
