import { ERROR_CODES, NtpassError } from '@ntpass/core';
import { describe, expect, it } from 'vitest';
import { exitCodeFor, storeUnavailable, usageError } from '../src/cli-error.js';
import { EXIT } from '../src/exit-codes.js';

describe('exitCodeFor', () => {
  it('maps every engine error code: bad arguments 2, an unreachable store 3, every rule refusal 1', () => {
    const mapped = Object.fromEntries(ERROR_CODES.map((code) => [code, exitCodeFor(new NtpassError(code, 'op: x'))]));
    expect(mapped).toEqual({
      INVALID_ARGUMENT: 2,
      NOT_FOUND: 1,
      INVALID_CODE: 1,
      NOT_STARTED: 1,
      EXPIRED: 1,
      REDEMPTION_LIMIT: 1,
      TICKET_LIMIT: 1,
      THROTTLED: 1,
      INVALID_TRANSITION: 1,
      METHOD_BLOCKED: 1,
      METHOD_DEACTIVATED: 1,
      CONFLICT: 1,
      STORE_UNAVAILABLE: 3,
    });
  });

  it("maps the CLI's own failures, and anything else as a bug", () => {
    expect(exitCodeFor(usageError('x'))).toBe(EXIT.usage);
    expect(exitCodeFor(storeUnavailable('x'))).toBe(EXIT.storeUnavailable);
    expect(exitCodeFor(new TypeError('boom'))).toBe(EXIT.internal);
  });
});
