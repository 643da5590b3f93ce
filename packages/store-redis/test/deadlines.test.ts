import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createDeadlines } from '../src/transport/deadlines.js';

// One timer serves every call of a store (src/transport/deadlines.ts): a
// deadline must fire at its time, never before, never twice, and never once
// settled, whatever order deadlines are added and settled in.

describe('deadlines', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 1_000_000 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('fires each unsettled deadline at its time and no settled one', () => {
    const deadlines = createDeadlines();
    const fired: string[] = [];
    const a = deadlines.add(Date.now() + 100, { expire: () => fired.push(`a@${Date.now()}`) });
    deadlines.add(Date.now() + 100, { expire: () => fired.push(`b@${Date.now()}`) });
    vi.advanceTimersByTime(50);
    const c = deadlines.add(Date.now() + 100, { expire: () => fired.push(`c@${Date.now()}`) });
    deadlines.add(Date.now() + 100, { expire: () => fired.push(`d@${Date.now()}`) });
    deadlines.settle(a);
    deadlines.settle(c);
    expect(deadlines.pending).toBe(2);
    vi.advanceTimersByTime(49);
    expect(fired).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(fired).toEqual(['b@1000100']);
    vi.advanceTimersByTime(1000);
    expect(fired).toEqual(['b@1000100', 'd@1000150']);
    expect(deadlines.pending).toBe(0);
  });

  it('a deadline earlier than those queued (a retry, a clock step back) is not late', () => {
    const deadlines = createDeadlines();
    const fired: string[] = [];
    deadlines.add(Date.now() + 1000, { expire: () => fired.push('late') });
    const early = deadlines.add(Date.now() + 10, { expire: () => fired.push('early') });
    vi.advanceTimersByTime(10);
    expect(fired).toEqual(['early']);
    deadlines.settle(early); // after firing: nothing
    vi.advanceTimersByTime(990);
    expect(fired).toEqual(['early', 'late']);
  });

  it('random adds, settles and clock advances: each deadline fires exactly once at its time unless settled first', () => {
    type Step = { kind: 'add'; ms: number } | { kind: 'settle'; pick: number } | { kind: 'advance'; ms: number };
    const step = fc.oneof(
      fc.record({ kind: fc.constant('add' as const), ms: fc.integer({ min: 0, max: 200 }) }),
      fc.record({ kind: fc.constant('settle' as const), pick: fc.nat() }),
      fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 120 }) }),
    );
    fc.assert(
      fc.property(fc.array(step, { maxLength: 60 }), (steps: Step[]) => {
        vi.setSystemTime(1_000_000);
        const deadlines = createDeadlines();
        const calls: { at: number; firedAt: number[]; settled: boolean; handle: ReturnType<typeof deadlines.add> }[] = [];
        for (const s of steps) {
          if (s.kind === 'add') {
            const at = Date.now() + s.ms;
            const call = { at, firedAt: [] as number[], settled: false, handle: undefined as unknown as ReturnType<typeof deadlines.add> };
            call.handle = deadlines.add(at, { expire: () => call.firedAt.push(Date.now()) });
            calls.push(call);
          } else if (s.kind === 'settle' && calls.length > 0) {
            const call = calls[s.pick % calls.length]!;
            if (call.firedAt.length === 0) call.settled = true;
            deadlines.settle(call.handle);
          } else if (s.kind === 'advance') vi.advanceTimersByTime(s.ms);
        }
        vi.advanceTimersByTime(1000);
        for (const call of calls) {
          if (call.settled) expect(call.firedAt).toEqual([]);
          else expect(call.firedAt).toEqual([call.at]);
        }
        expect(deadlines.pending).toBe(0);
        vi.clearAllTimers();
      }),
      { numRuns: 300 },
    );
  });
});
