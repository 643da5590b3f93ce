import fc from 'fast-check';
import { parseTime } from '@ntpass/core';
import { afterEach, describe, expect, it } from 'vitest';
import { compactNumber, duration, localIso } from '../../src/output/format.js';

const originalTz = process.env['TZ'];
afterEach(() => {
  if (originalTz === undefined) delete process.env['TZ'];
  else process.env['TZ'] = originalTz;
});

describe('localIso', () => {
  it("writes the machine's local time with its offset", () => {
    process.env['TZ'] = 'Asia/Kathmandu'; // +05:45, no daylight saving
    expect(localIso(Date.UTC(2030, 1, 1, 8, 0, 5))).toBe('2030-02-01T13:45:05+05:45');
    process.env['TZ'] = 'America/Los_Angeles';
    expect(localIso(Date.UTC(2030, 0, 15, 12))).toBe('2030-01-15T04:00:00-08:00');
    expect(localIso(Date.UTC(2030, 6, 15, 12))).toBe('2030-07-15T05:00:00-07:00');
  });

  it('is a time flag value that reads back as the same instant (to the second), in any zone', () => {
    const zones = ['UTC', 'Asia/Kathmandu', 'America/St_Johns', 'Pacific/Chatham', 'Europe/Berlin', 'America/Los_Angeles'];
    fc.assert(
      fc.property(fc.constantFrom(...zones), fc.integer({ min: 0, max: 4_102_444_800 }), (zone, seconds) => {
        process.env['TZ'] = zone;
        expect(parseTime(localIso(seconds * 1000), 'test', 'time')).toBe(seconds * 1000);
      }),
    );
  });
});

describe('duration and compactNumber', () => {
  it('formats durations as m:ss and h:mm:ss', () => {
    expect(duration(7_400)).toBe('0:07');
    expect(duration(750_000)).toBe('12:30');
    expect(duration(3_723_000)).toBe('1:02:03');
  });

  it('keeps rates short', () => {
    expect(compactNumber(950)).toBe('950');
    expect(compactNumber(12_345)).toBe('12.3k');
    expect(compactNumber(1_234_567)).toBe('1.2M');
  });
});
