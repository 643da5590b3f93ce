import { invalidArgument } from './errors.js';

/**
 * What a time input may be: a `Date`, epoch milliseconds as a number or as a
 * string of digits (the seed API returns them so), or an ISO-8601 string with
 * a zone (`Z` or `±hh:mm`) or date only (`2030-02-01`, UTC midnight).
 */
export type TimeInput = Date | number | string;

const DIGITS = /^-?\d+$/;
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
// A zone is required: a zoneless date-time means a different instant on every host.
const DATE_TIME_WITH_ZONE = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/i;

/** Parses a {@link TimeInput} to epoch ms, or throws `INVALID_ARGUMENT` naming `field`. */
export function parseTime(value: unknown, operation: string, field: string): number {
  const ms = toEpochMs(value);
  if (ms === undefined) {
    throw invalidArgument(operation, field, 'must be a Date, epoch milliseconds, or an ISO-8601 date-time with a zone');
  }
  return ms;
}

/** Epoch ms for a valid {@link TimeInput}, else `undefined`. */
export function toEpochMs(value: unknown): number | undefined {
  if (value instanceof Date) return finite(value.getTime());
  if (typeof value === 'number') return Number.isInteger(value) ? finite(value) : undefined;
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  if (DIGITS.test(text)) return finite(Number(text));
  if (DATE_ONLY.test(text)) return finite(Date.parse(`${text}T00:00:00Z`));
  if (DATE_TIME_WITH_ZONE.test(text)) return finite(Date.parse(text.replace(' ', 'T')));
  return undefined;
}

// ECMAScript dates span ±8.64e15 ms; anything beyond is not a time.
function finite(ms: number): number | undefined {
  return Number.isSafeInteger(ms) && Math.abs(ms) <= 8.64e15 ? ms : undefined;
}
