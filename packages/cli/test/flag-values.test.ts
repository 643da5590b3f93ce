import { describe, expect, it } from 'vitest';
import { parseFlagValue } from '../src/flag-values.js';

const at = (kind: 'time' | 'time-or-none', raw: string) => parseFlagValue({ kind, help: '' }, 'end-time', raw, '/', 'x');

describe('parseFlagValue', () => {
  it('reads the SPEC time forms as epoch ms', () => {
    expect(at('time', '2030-02-01')).toBe(Date.UTC(2030, 1, 1));
    expect(at('time', '2030-02-01T09:00:00+01:00')).toBe(Date.UTC(2030, 1, 1, 8));
    expect(at('time', '1700000000000')).toBe(1_700_000_000_000);
  });

  it('refuses a date-time without a zone: it would mean another instant on every machine', () => {
    expect(() => at('time', '2030-02-01T09:00:00')).toThrow(/--end-time: expected/);
  });

  it('reads none as null only where a time may be cleared', () => {
    expect(at('time-or-none', 'none')).toBeNull();
    expect(at('time-or-none', 'NONE')).toBeNull();
    expect(() => at('time', 'none')).toThrow(/--end-time: expected/);
  });

  it('bounds integers on both sides and says so', () => {
    const spec = { kind: 'integer', min: 4, max: 32, help: '' } as const;
    expect(parseFlagValue(spec, 'ticket-length', '32', '/', 'x')).toBe(32);
    expect(() => parseFlagValue(spec, 'ticket-length', '33', '/', 'x')).toThrow('--ticket-length: expected a whole number from 4 to 32, got "33"');
    expect(() => parseFlagValue(spec, 'ticket-length', '4.5', '/', 'x')).toThrow('from 4 to 32');
    expect(() => parseFlagValue({ kind: 'integer', help: '' }, 'n', '99999999999999999999', '/', 'x')).toThrow('expected a whole number');
  });

  it('refuses an empty list and an empty text', () => {
    expect(() => parseFlagValue({ kind: 'list', help: '' }, 'method-types', ' , ', '/', 'x')).toThrow('expected a comma-separated list');
    expect(() => parseFlagValue({ kind: 'text', help: '' }, 'muid', '', '/', 'x')).toThrow('expected a non-empty value');
  });
});
