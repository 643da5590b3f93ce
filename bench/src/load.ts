/** What one measured row produced. */
export interface LoadResult {
  readonly ops: number;
  readonly seconds: number;
  readonly opsPerSec: number;
  /** Latency percentiles in microseconds. */
  readonly p50us: number;
  readonly p99us: number;
}

/** How to drive an operation. */
export interface LoadOptions {
  /** Concurrent callers, each awaiting its previous call (closed loop). */
  readonly inFlight: number;
  /** How long to measure, after warm-up. */
  readonly durationMs: number;
  /** Untimed calls, one at a time, before measuring. @default 200 */
  readonly warmup?: number;
  /**
   * Then untimed time at full load: V8 optimises a function after thousands
   * of calls, and the first row of a store's run (ntpass's, measured before
   * its baselines and peers) would otherwise pay its JIT warm-up alone.
   * @default half of `durationMs`, at most 1 s
   */
  readonly warmupMs?: number;
  /** Stop after this many calls even if time remains. */
  readonly maxOps?: number;
}

/** Hands out call numbers unique in a run. */
type Counter = { n: number };

/** The untimed calls of `options` (see {@link LoadOptions}) before a measured window. */
async function warmUp(op: (n: number) => Promise<unknown>, options: LoadOptions, calls: Counter): Promise<void> {
  for (let i = 0; i < (options.warmup ?? 200); i++) await op(calls.n++);
  if (options.maxOps !== undefined) return;
  const warmUntil = performance.now() + (options.warmupMs ?? Math.min(1000, options.durationMs / 2));
  const warm = async () => {
    while (performance.now() < warmUntil) await op(calls.n++);
  };
  await Promise.all(Array.from({ length: options.inFlight }, warm));
}

/** One measured window: each call's latency (ms) and the window's length (s). */
async function measure(op: (n: number) => Promise<unknown>, options: LoadOptions, calls: Counter): Promise<{ latencies: number[]; seconds: number }> {
  const maxOps = options.maxOps ?? Number.POSITIVE_INFINITY;
  const latencies: number[] = [];
  const start = performance.now();
  const deadline = start + options.durationMs;
  let done = 0;
  const loop = async () => {
    while (performance.now() < deadline && done < maxOps) {
      const t = performance.now();
      done += 1;
      await op(calls.n++);
      latencies.push(performance.now() - t);
    }
  };
  await Promise.all(Array.from({ length: options.inFlight }, loop));
  return { latencies, seconds: (performance.now() - start) / 1000 };
}

/**
 * Runs `op` from `inFlight` concurrent loops for `durationMs` and reports
 * throughput and latency. `op` receives a call number unique in the run.
 */
export async function runLoad(op: (n: number) => Promise<unknown>, options: LoadOptions): Promise<LoadResult> {
  const calls = { n: 0 };
  await warmUp(op, options, calls);
  const { latencies, seconds } = await measure(op, options, calls);
  return summarize(latencies, seconds);
}

/**
 * `a` and `b` in alternating windows (a, b, a, b, …, `pairs` of each) after
 * a warm-up each, so that both meet the same machine: on a shared machine
 * whose speed drifts by 2× within a minute, two rows measured seconds apart
 * compare the machine as much as the code. Each side's result is over all
 * its windows; `ratios` are a / b per pair.
 */
export async function alternate(
  a: (n: number) => Promise<unknown>,
  b: (n: number) => Promise<unknown>,
  options: LoadOptions & { readonly pairs: number },
): Promise<{ a: LoadResult; b: LoadResult; ratios: number[] }> {
  const sides = [a, b].map((op) => ({ op, calls: { n: 0 }, latencies: [] as number[], seconds: 0 }));
  for (const side of sides) await warmUp(side.op, options, side.calls);
  const ratios: number[] = [];
  for (let p = 0; p < options.pairs; p++) {
    const rates = [];
    for (const side of sides) {
      const w = await measure(side.op, options, side.calls);
      for (const l of w.latencies) side.latencies.push(l);
      side.seconds += w.seconds;
      rates.push(w.latencies.length / w.seconds);
    }
    ratios.push(rates[0]! / rates[1]!);
  }
  const [sa, sb] = sides.map((side) => summarize(side.latencies, side.seconds));
  return { a: sa!, b: sb!, ratios };
}

/** Times one long call (a bulk issue) as a single sample of `count` items. */
export async function timeOnce(count: number, op: () => Promise<unknown>): Promise<LoadResult> {
  const t = performance.now();
  await op();
  const ms = performance.now() - t;
  return { ops: count, seconds: ms / 1000, opsPerSec: count / (ms / 1000), p50us: (ms * 1000) / count, p99us: (ms * 1000) / count };
}

function summarize(latencies: number[], seconds: number): LoadResult {
  const sorted = Float64Array.from(latencies).sort();
  const pct = (p: number) => (sorted.length === 0 ? 0 : (sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0) * 1000);
  return { ops: sorted.length, seconds, opsPerSec: sorted.length / seconds, p50us: pct(0.5), p99us: pct(0.99) };
}
