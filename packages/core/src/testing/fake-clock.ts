import type { Clock } from '../clock.js';

/** A clock tests move by hand. */
export interface FakeClock {
  /** Pass as `createEngine({ clock })`. */
  readonly now: Clock;
  /** Moves time forward (or back, with a negative number). */
  advance(ms: number): void;
  /** Jumps to an epoch-ms time. */
  set(ms: number): void;
}

export function createFakeClock(start = Date.UTC(2030, 0, 1)): FakeClock {
  let t = start;
  return {
    now: () => t,
    advance: (ms) => {
      t += ms;
    },
    set: (ms) => {
      t = ms;
    },
  };
}
