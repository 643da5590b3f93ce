import type { Redis } from 'ioredis';

/*
 * How the commands of one turn leave a connection.
 *
 * One socket write per EVALSHA costs a syscall each, and on loopback the
 * sender's syscall also runs the receiver's TCP work: with 64 redemptions in
 * flight that was a fifth of Node's CPU. Holding every command of a turn
 * until the turn ends (one `writev`) saves those syscalls but makes Node and
 * Redis take turns: Redis idles while Node handles a wave of 64 replies and
 * builds the next 64 commands, then Node idles while Redis runs them, so a
 * redemption cost Node's time *plus* Redis's (measured: 33–37k redemptions/s
 * at ~18 µs Node + ~12 µs Redis CPU each, against 66k/s for
 * rate-limiter-flexible, whose ioredis writes each command at once).
 *
 * So a turn's commands leave in waves of WAVE: Redis starts on the first
 * wave while Node builds the next, and the waves stay staggered round the
 * loop. Alternated runs of 64 in flight, 40 000 redemptions a round
 * (`bench/profile/cmp-rlf.mjs`): a wave of 8 gave 60–64k/s, 16 gave 64–66k/s,
 * 32 the same as 16 (Node CPU per call alike), and no limit 33–37k/s; 16
 * keeps the waves (and joined script calls, see join-commits.ts) shorter. The
 * bytes and their order are exactly what would have been written; only where
 * the syscalls fall changes.
 */

/** Commits per socket write within one turn (a command counts as the commits it carries). */
export const WAVE = 16;

/** Commands (weighed by the commits they carry) held back on each corked connection this turn. */
const held = new Map<Redis, number>();

/**
 * Call before writing a command to `conn`: holds it with the turn's others
 * and lets them go once WAVE commands are held and when the turn's
 * microtasks are done. A command that carries several commits (a joined
 * call, see join-commits.ts) weighs as many: it is a wave of its own.
 */
export function writeInWaves(conn: Redis, weight = 1): void {
  const { stream } = conn;
  if (stream === undefined || stream === null) return;
  const count = held.get(conn);
  if (count === undefined) {
    stream.cork();
    held.set(conn, weight);
    // A tick queued from a microtask runs once the microtask queue is empty: every send of this turn is in.
    process.nextTick(() => {
      held.delete(conn);
      stream.uncork();
    });
  } else if (count + weight > WAVE) {
    // Writes what is held so far and holds this command: one cork stays open for the tick above.
    stream.uncork();
    stream.cork();
    held.set(conn, weight);
  } else held.set(conn, count + weight);
}
