import { resolve } from 'node:path';
import { isNtpassError, parseTime } from '@ntpass/core';
import { usageError } from './cli-error.js';
import type { FlagSpec } from './flag-spec.js';

const TIME_FORMS = 'a date (2030-02-01), an ISO-8601 date-time with a zone (2030-02-01T09:00:00+01:00) or epoch milliseconds';

/**
 * Turns one flag's text into its value, or throws a usage error that names the
 * flag, what was expected and what was given.
 */
export function parseFlagValue(spec: FlagSpec, flag: string, raw: string, cwd: string, helpFor: string): unknown {
  const fail = (expected: string): never => {
    throw usageError(`--${flag}: expected ${expected}, got ${JSON.stringify(raw)}`, helpFor);
  };
  switch (spec.kind) {
    case 'integer':
      return parseInteger(spec, raw, fail);
    case 'time':
      return parseTimeText(raw, fail);
    case 'time-or-none':
      return raw.trim().toLowerCase() === 'none' ? null : parseTimeText(raw, () => fail(`${TIME_FORMS}, or none`));
    case 'list': {
      const items = raw.split(',').map((s) => s.trim()).filter((s) => s !== '');
      return items.length > 0 ? items : fail('a comma-separated list');
    }
    case 'file':
      return raw.trim() === '' ? fail('a file path') : resolve(cwd, raw);
    case 'text':
      return raw === '' ? fail('a non-empty value') : raw;
    case 'boolean':
      return fail('no value');
  }
}

function parseInteger(spec: FlagSpec, raw: string, fail: (expected: string) => never): number {
  const expected =
    spec.min !== undefined && spec.max !== undefined
      ? `a whole number from ${spec.min} to ${spec.max}`
      : spec.min !== undefined
        ? `a whole number >= ${spec.min}`
        : 'a whole number';
  // Underscores allowed as digit separators: 100_000 is easier to read than 100000.
  const text = raw.trim().replace(/_/g, '');
  if (!/^-?\d+$/.test(text)) return fail(expected);
  const value = Number(text);
  if (!Number.isSafeInteger(value)) return fail(expected);
  if (spec.min !== undefined && value < spec.min) return fail(expected);
  if (spec.max !== undefined && value > spec.max) return fail(expected);
  return value;
}

function parseTimeText(raw: string, fail: (expected: string) => never): number {
  try {
    return parseTime(raw, 'ntpass', 'time');
  } catch (error) {
    if (isNtpassError(error)) return fail(TIME_FORMS);
    throw error;
  }
}
