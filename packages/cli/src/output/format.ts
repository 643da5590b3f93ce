/**
 * Epoch ms as ISO-8601 in the machine's local zone, with its offset:
 * `2030-02-01T10:00:00+01:00`. Operators read local times, and the text is a
 * valid `--start-time`/`--end-time` value as it stands.
 */
export function localIso(ms: number): string {
  const date = new Date(ms);
  const offset = -date.getTimezoneOffset();
  const sign = offset >= 0 ? '+' : '-';
  const abs = Math.abs(offset);
  return (
    `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}` +
    `T${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}` +
    `${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`
  );
}

/** An optional time: its local ISO form, or `fallback` when absent. */
export function optionalTime(ms: number | undefined, fallback: string): string {
  return ms === undefined ? fallback : localIso(ms);
}

/** A limit where 0 means none (`maxTickets`). */
export function limit(value: number): string {
  return value === 0 ? 'unlimited' : String(value);
}

/** `0:07`, `12:30`, `1:02:03`. */
export function duration(ms: number): string {
  const total = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  return h > 0 ? `${h}:${pad(m)}:${pad(s)}` : `${m}:${pad(s)}`;
}

/** `950`, `12.3k`, `1.2M`: short enough for a progress line. */
export function compactNumber(value: number): string {
  if (value < 1000) return String(Math.round(value));
  if (value < 1_000_000) return `${(value / 1000).toFixed(1)}k`;
  return `${(value / 1_000_000).toFixed(1)}M`;
}

/** `yes` / `no`. */
export function yesNo(value: boolean): string {
  return value ? 'yes' : 'no';
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}
