import type { LoadResult } from './load.js';

/** One line of the results table. */
export interface Row {
  readonly store: string;
  readonly row: string;
  readonly result?: LoadResult;
  /** What the row is compared with, measured in the same run. */
  readonly baseline?: { readonly name: string; readonly result: LoadResult };
  /** For the bytes-at-rest rows. */
  readonly bytes?: number;
  /** A single measured figure with its unit (µs, keys, B). */
  readonly figure?: { readonly value: number; readonly unit: string };
}

const fmt = (n: number) => (n >= 100 ? Math.round(n).toLocaleString('en') : n.toFixed(1));

/** A Markdown table; with `header: false` just the rows (for printing as we go). */
export function formatTable(rows: readonly Row[], { header }: { header: boolean }): string {
  const lines: string[] = [];
  if (header) {
    lines.push('| store | row | ops/s | p50 µs | p99 µs | baseline | baseline ops/s | ratio |');
    lines.push('| --- | --- | ---: | ---: | ---: | --- | ---: | ---: |');
  }
  for (const r of rows) {
    if (r.bytes !== undefined) {
      lines.push(`| ${r.store} | ${r.row} | ${fmt(r.bytes)} B | | | | | |`);
      continue;
    }
    if (r.figure !== undefined) {
      lines.push(`| ${r.store} | ${r.row} | ${r.figure.value.toFixed(r.figure.value < 10 ? 2 : 0)} ${r.figure.unit} | | | | | |`);
      continue;
    }
    const res = r.result!;
    const base = r.baseline;
    const ratio = base ? (res.opsPerSec / base.result.opsPerSec).toFixed(2) : '';
    lines.push(
      `| ${r.store} | ${r.row} | ${fmt(res.opsPerSec)} | ${fmt(res.p50us)} | ${fmt(res.p99us)} | ${base?.name ?? ''} | ${base ? fmt(base.result.opsPerSec) : ''} | ${ratio} |`,
    );
  }
  return lines.join('\n');
}
