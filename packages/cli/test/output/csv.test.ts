import { describe, expect, it } from 'vitest';
import { csvLine } from '../../src/output/csv.js';

describe('csvLine', () => {
  it('leaves plain fields bare and ends records with CRLF', () => {
    expect(csvLine(['7Hq3Zp', 'iusrABC', 'ada@example.com'])).toBe('7Hq3Zp,iusrABC,ada@example.com\r\n');
  });

  it('quotes fields with commas, quotes, line breaks or edge spaces, doubling quotes', () => {
    expect(csvLine(['a,b', 'say "hi"', 'x\ny', ' pad'])).toBe('"a,b","say ""hi""","x\ny"," pad"\r\n');
  });
});
