import { describe, expect, it } from 'vitest';
import { createProgress, renderProgressLine } from '../../src/output/progress.js';

function terminal(isTTY: boolean, columns = 100) {
  const writes: string[] = [];
  return { writes, stream: { isTTY, columns, write: (text: string) => writes.push(text) } };
}

describe('renderProgressLine', () => {
  it('shows the bar, percent, counts, rate and ETA', () => {
    const line = renderProgressLine({ label: 'Issuing codes', done: 45_000, total: 100_000, elapsedMs: 4_500, finished: false, width: 99 });
    expect(line).toMatch(/^Issuing codes \[=+> +\]  45%   45000\/100000  10\.0k\/s  ETA 0:06$/);
  });

  it('shows the time taken instead of an ETA once finished, with a full bar', () => {
    const line = renderProgressLine({ label: 'Issuing codes', done: 10, total: 10, elapsedMs: 2_000, finished: true, width: 79 });
    expect(line).toMatch(/^Issuing codes \[=+\] 100%  10\/10  5\/s  in 0:02$/);
  });

  it('fits the terminal width, down to a 10-cell bar', () => {
    for (const width of [60, 79, 120, 200]) {
      const line = renderProgressLine({ label: 'Issuing codes', done: 1, total: 1_000_000, elapsedMs: 1, finished: false, width });
      expect(line.length).toBeLessThanOrEqual(Math.max(width, 70));
    }
    const narrow = renderProgressLine({ label: 'Issuing codes', done: 1, total: 3, elapsedMs: 1, finished: false, width: 20 });
    expect(narrow).toContain(`[${'='.repeat(3)}>${' '.repeat(6)}]`);
  });

  it('has no ETA before the first unit is done', () => {
    expect(renderProgressLine({ label: 'x', done: 0, total: 5, elapsedMs: 0, finished: false, width: 80 })).toContain('ETA -:--');
  });
});

describe('createProgress', () => {
  it('writes nothing when the stream is not a terminal', () => {
    const { writes, stream } = terminal(false);
    const bar = createProgress(stream, 'Issuing codes', () => 0, () => () => undefined);
    bar.update(1, 2);
    bar.finish();
    expect(writes).toEqual([]);
  });

  it('redraws in place at most every 100 ms, always the first line and the end, and ends its line on finish', () => {
    const { writes, stream } = terminal(true);
    let now = 0;
    const bar = createProgress(stream, 'Issuing codes', () => now, () => () => undefined);
    bar.update(0, 100); // first line: drawn
    now = 50;
    bar.update(20, 100); // too soon
    now = 150;
    bar.update(30, 100); // drawn
    now = 160;
    bar.update(100, 100); // the end is always drawn
    now = 170;
    bar.update(100, 100); // already drawn, too soon
    bar.finish();
    bar.update(100, 100); // after finish: nothing
    expect(writes.filter((w) => w.startsWith('\r'))).toHaveLength(4);
    expect(writes.every((w) => w === '\n' || (w.startsWith('\r') && !w.includes('\n')))).toBe(true);
    expect(writes[2]).toContain('100%  100/100');
    expect(writes[2]).toContain('finishing…');
    expect(writes.at(-2)).toMatch(/100% .* in 0:00/);
    expect(writes.at(-1)).toBe('\n');
  });

  it('keeps time moving between reports, and stops ticking when it ends', () => {
    const { writes, stream } = terminal(true);
    let now = 0;
    let tick: (() => void) | undefined;
    let cancelled = false;
    const bar = createProgress(stream, 'Issuing codes', () => now, (fn, ms) => {
      expect(ms).toBe(250);
      tick = fn;
      return () => (cancelled = true);
    });
    bar.update(0, 1000);
    expect(writes).toHaveLength(1);
    now = 2_000;
    tick?.();
    expect(writes).toHaveLength(2);
    expect(writes[1]).toMatch(/0%\s+0\/1000  0\/s  ETA -:--/);
    now = 4_000;
    bar.update(500, 1000);
    tick?.(); // drawn by the update just now
    expect(writes).toHaveLength(3);
    expect(writes[2]).toContain('ETA 0:04');
    bar.abandon();
    expect(cancelled).toBe(true);
  });

  it('pads a shorter line over a longer one, and erases itself when abandoned', () => {
    const { writes, stream } = terminal(true);
    let now = 0;
    const bar = createProgress(stream, 'Issuing codes', () => now, () => () => undefined);
    bar.update(1, 1_000_000);
    now = 1_000;
    bar.update(999_999, 1_000_000);
    const [first, second] = writes;
    expect(second?.length).toBeGreaterThanOrEqual(first?.length ?? Infinity);
    bar.abandon();
    expect(writes.at(-1)).toMatch(/^\r +\r$/);
    expect(writes.at(-1)?.length).toBe((second?.length ?? 0) + 1);
  });
});
