import { describe, expect, it } from 'vitest';
import { keyValues, table } from '../../src/output/table.js';

describe('table', () => {
  it('aligns every column to its widest cell, numbers to the right', () => {
    const text = table(
      [{ header: 'ntpId' }, { header: 'issued', right: true }, { header: 'state' }],
      [
        ['QOTPa', '10000', 'active'],
        ['QOTPlonger', '7', 'suspended'],
      ],
    );
    expect(text.split('\n')).toEqual([
      'ntpId       issued  state',
      'QOTPa        10000  active',
      'QOTPlonger       7  suspended',
    ]);
  });

  it('says a table is empty instead of printing a lone header', () => {
    expect(table([{ header: 'a' }], [], '(no instances)')).toBe('(no instances)');
  });
});

describe('keyValues', () => {
  it('aligns values after the longest key', () => {
    expect(keyValues([['ntpId', 'Q'], ['maxRedemptions', '1']])).toBe('ntpId           Q\nmaxRedemptions  1');
  });
});
