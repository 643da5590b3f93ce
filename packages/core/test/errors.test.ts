import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES, NtpassError, isNtpassError } from '../src/index.js';

describe('NtpassError', () => {
  it('carries a stable code, a message, and the details given', () => {
    const cause = new Error('socket closed');
    const e = new NtpassError('THROTTLED', 'redeemCode: too many failures', { retryAfterMs: 500, cause });
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe('NtpassError');
    expect(e.code).toBe('THROTTLED');
    expect(e.retryAfterMs).toBe(500);
    expect(e.cause).toBe(cause);
    expect('from' in e).toBe(false);
  });

  it('lists exactly the codes of SPEC §5', () => {
    expect([...ERROR_CODES].sort()).toEqual(
      [
        'INVALID_ARGUMENT', 'NOT_FOUND', 'INVALID_CODE', 'NOT_STARTED', 'EXPIRED', 'REDEMPTION_LIMIT', 'TICKET_LIMIT',
        'THROTTLED', 'INVALID_TRANSITION', 'METHOD_BLOCKED', 'METHOD_DEACTIVATED', 'CONFLICT', 'STORE_UNAVAILABLE',
      ].sort(),
    );
  });

  it('isNtpassError tells ntpass errors from others', () => {
    expect(isNtpassError(new NtpassError('NOT_FOUND', 'x'))).toBe(true);
    expect(isNtpassError(new Error('x'))).toBe(false);
    expect(isNtpassError({ code: 'NOT_FOUND', name: 'NtpassError' })).toBe(false);
    expect(isNtpassError(null)).toBe(false);
    expect(isNtpassError('NOT_FOUND')).toBe(false);
  });

  it('isNtpassError recognises an error from the CommonJS build (needs `pnpm build`)', () => {
    const require = createRequire(import.meta.url);
    let cjs: typeof import('../src/index.js');
    try {
      cjs = require('../dist/index.cjs') as typeof import('../src/index.js');
    } catch {
      // `pnpm test` builds before testing; a bare `vitest run` may not have dist.
      return;
    }
    const fromCjs = new cjs.NtpassError('CONFLICT', 'x');
    expect(fromCjs).not.toBeInstanceOf(NtpassError);
    expect(isNtpassError(fromCjs)).toBe(true);
    expect(cjs.isNtpassError(new NtpassError('CONFLICT', 'y'))).toBe(true);
  });
});
