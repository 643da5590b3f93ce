import { compactNumber, duration } from './format.js';

/** Where a progress bar draws: a terminal stream. */
export interface TerminalStream {
  write(text: string): unknown;
  /** Whether the stream is a terminal; a bar is drawn only then. */
  readonly isTTY?: boolean;
  /** The terminal's width. @default 80 */
  readonly columns?: number;
}

/** Reports how far a long operation is. */
export interface Progress {
  /** `done` of `total` units finished. Cheap to call often: redraws are rate-limited. */
  update(done: number, total: number): void;
  /** The operation succeeded: draws the final line (with the time it took) and ends it. */
  finish(): void;
  /** The operation failed: erases the bar so the error starts on a clean line. */
  abandon(): void;
}

/** A {@link Progress} that shows nothing (not a terminal, or `--json`). */
export const silentProgress: Progress = { update() {}, finish() {}, abandon() {} };

/** What one progress line shows. */
export interface ProgressLine {
  readonly label: string;
  readonly done: number;
  readonly total: number;
  readonly elapsedMs: number;
  /** The finished line shows the time taken instead of an ETA. */
  readonly finished: boolean;
  /** Characters available. */
  readonly width: number;
}

const REDRAW_EVERY_MS = 100;
const TICK_EVERY_MS = 250;
const MIN_BAR = 10;
const MAX_BAR = 40;

/**
 * `Issuing codes [=========>          ]  45%  45000/100000  12.3k/s  ETA 0:04`.
 * The bar shrinks (down to 10 cells) to fit `width`.
 */
export function renderProgressLine(line: ProgressLine): string {
  const { label, done, total, elapsedMs, finished } = line;
  const ratio = total > 0 ? Math.min(1, done / total) : 1;
  const percent = `${Math.floor(ratio * 100)}%`.padStart(4);
  const rate = elapsedMs > 0 ? (done * 1000) / elapsedMs : 0;
  const counts = `${String(done).padStart(String(total).length)}/${total}`;
  const speed = `${compactNumber(rate)}/s`;
  const tail = finished
    ? `in ${duration(elapsedMs)}`
    : done >= total
      ? 'finishing…'
      : rate > 0 && done > 0
        ? `ETA ${duration(((total - done) / rate) * 1000)}`
        : 'ETA -:--';
  const rest = `${percent}  ${counts}  ${speed}  ${tail}`;
  const barWidth = Math.max(MIN_BAR, Math.min(MAX_BAR, line.width - label.length - rest.length - 5));
  const filled = Math.floor(ratio * barWidth);
  const bar = filled >= barWidth ? '='.repeat(barWidth) : `${'='.repeat(filled)}>${' '.repeat(barWidth - filled - 1)}`;
  return `${label} [${bar}] ${rest}`;
}

/** Runs `tick` every `ms` until cancelled; must not keep the process alive. */
export type Ticker = (tick: () => void, ms: number) => () => void;

const unrefInterval: Ticker = (tick, ms) => {
  const timer = setInterval(tick, ms);
  timer.unref();
  return () => clearInterval(timer);
};

/**
 * A progress bar on `stream` (stderr), redrawn in place with `\r`. On a
 * stream that is not a terminal it is {@link silentProgress}: logs and pipes
 * never get carriage-return noise. Lines are padded over the previous one
 * rather than cleared with escape codes, so any terminal renders them.
 * Between updates a ticker keeps the rate and ETA moving, so a phase the
 * operation does not report (the engine reports written tickets only) still
 * shows time passing, whenever the operation lets the event loop run (it does
 * on Redis; on SQLite and memory a bulk issue keeps it busy until it ends).
 */
export function createProgress(stream: TerminalStream, label: string, now: () => number = Date.now, ticker: Ticker = unrefInterval): Progress {
  if (stream.isTTY !== true) return silentProgress;
  const started = now();
  let lastDraw = -Infinity;
  let lastLength = 0;
  let state = { done: 0, total: 0 };
  let stopTicking: (() => void) | undefined;
  let drewEnd = false;
  let ended = false;

  const draw = (finished: boolean) => {
    lastDraw = now();
    const text = renderProgressLine({
      label,
      ...state,
      elapsedMs: lastDraw - started,
      finished,
      width: (stream.columns ?? 80) - 1,
    });
    stream.write(`\r${text}${' '.repeat(Math.max(0, lastLength - text.length))}`);
    lastLength = text.length;
  };
  const drawIfDue = () => {
    if (now() - lastDraw >= REDRAW_EVERY_MS) draw(false);
  };
  const end = () => {
    ended = true;
    stopTicking?.();
  };

  return {
    update(done, total) {
      if (ended) return;
      state = { done, total };
      stopTicking ??= ticker(drawIfDue, TICK_EVERY_MS);
      // The first line and the line reaching the end are always drawn; the rest at most every 100 ms.
      if (lastLength === 0 || (done >= total && !drewEnd)) draw(false);
      else drawIfDue();
      if (done >= total) drewEnd = true;
    },
    finish() {
      if (ended) return;
      end();
      draw(true);
      stream.write('\n');
    },
    abandon() {
      if (ended) return;
      end();
      if (lastLength > 0) stream.write(`\r${' '.repeat(lastLength)}\r`);
    },
  };
}
