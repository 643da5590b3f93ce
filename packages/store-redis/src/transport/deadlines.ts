/*
 * The deadlines of a store's calls in flight, failed by one timer.
 *
 * A timer per call (setTimeout, clearTimeout and a Promise.race around the
 * reply) cost about a tenth of Node's CPU per redemption. But every call of
 * a store starts with the same budget (`commandTimeoutMs`), so calls queued
 * in the order they start also expire in that order: a FIFO queue whose
 * head alone has a timer is exact. Calls mostly settle in the order they
 * were sent (one connection answers in order), so settled entries are
 * dropped from the head as they settle and the queue stays about as long as
 * the calls in flight. A deadline earlier than the last one queued (a retry
 * keeps its call's first deadline; the wall clock stepped back) gets a timer
 * of its own, so no deadline is ever late.
 */

/** What a deadline fails when it passes: a call's command (an object, so no closure is made per call). */
export interface Expirable {
  expire(): void;
}

/** One deadline; {@link Deadlines.settle} it when its call settles. */
export interface Deadline {
  readonly at: number;
  /** Expired once at `at` unless settled before; undefined once settled or fired. */
  expire: Expirable | undefined;
  /** A timer of its own, for a deadline that could not be queued in order. */
  timer: NodeJS.Timeout | undefined;
}

export interface Deadlines {
  /** Calls `expire.expire()` at `at` (ms since the epoch, `Date.now()`), unless settled first. */
  add(at: number, expire: Expirable): Deadline;
  /** The call settled: its `expire` is never called, and it holds on to nothing. */
  settle(deadline: Deadline): void;
  /** Deadlines neither settled nor fired (for tests). */
  readonly pending: number;
}

/** Compacts the queue's array once this many settled entries lie before its head. */
const COMPACT_AFTER = 1024;

export function createDeadlines(): Deadlines {
  let queue: Deadline[] = [];
  let head = 0;
  let timer: NodeJS.Timeout | undefined;
  let timerAt = Infinity;
  let pending = 0;

  const fire = (d: Deadline) => {
    const expire = d.expire;
    if (expire === undefined) return;
    d.expire = undefined;
    pending--;
    expire.expire();
  };

  /** Drops settled entries from the head; trims the array now and then. */
  const sweep = () => {
    while (head < queue.length && queue[head]!.expire === undefined) head++;
    if (head === queue.length) {
      queue = [];
      head = 0;
    } else if (head >= COMPACT_AFTER && head * 2 >= queue.length) {
      queue = queue.slice(head);
      head = 0;
    }
  };

  const arm = () => {
    const first = queue[head];
    if (first === undefined || first.at === timerAt) return;
    if (timer !== undefined) clearTimeout(timer);
    timerAt = first.at;
    timer = setTimeout(onTimer, Math.max(0, first.at - Date.now()));
    // A call in flight keeps the process alive through its socket; this timer alone must not.
    timer.unref();
  };

  function onTimer() {
    timer = undefined;
    timerAt = Infinity;
    const now = Date.now();
    while (head < queue.length && queue[head]!.at <= now) fire(queue[head++]!);
    sweep();
    arm();
  }

  return {
    add(at, expire) {
      const d: Deadline = { at, expire, timer: undefined };
      pending++;
      const last = queue[queue.length - 1];
      if (last !== undefined && head < queue.length && at < last.at) {
        d.timer = setTimeout(() => fire(d), Math.max(0, at - Date.now()));
        d.timer.unref();
        return d;
      }
      queue.push(d);
      // Queued behind others, its time comes after theirs; alone, it may be earlier than a timer left armed.
      if (timer === undefined || at < timerAt) arm();
      return d;
    },
    settle(d) {
      if (d.expire === undefined) return;
      d.expire = undefined;
      pending--;
      if (d.timer !== undefined) {
        clearTimeout(d.timer);
        d.timer = undefined;
        return;
      }
      if (queue[head] === d) {
        sweep();
        // The timer stays armed for an earlier head (harmless: it finds nothing due and re-arms).
      }
    },
    get pending() {
      return pending;
    },
  };
}
