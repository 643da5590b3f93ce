import { describe, expect, it } from 'vitest';
import { redactUrl, storeTarget } from '../src/store-target.js';
import { captureIo } from './capture.js';

const io = captureIo({ cwd: '/srv/ops' });
const base = { json: false, help: false };

describe('storeTarget', () => {
  it('defaults to ./ntpass.db, created only by commands that write', () => {
    expect(storeTarget(base, io, true)).toEqual({ kind: 'sqlite', filename: '/srv/ops/ntpass.db', create: true });
    expect(storeTarget({ ...base, db: '/data/x.db' }, io, false)).toEqual({ kind: 'sqlite', filename: '/data/x.db', create: false });
  });

  it('uses Redis when --redis is given, over --db', () => {
    expect(storeTarget({ ...base, db: '/data/x.db', redis: 'redis://h:6380/2', redisPrefix: 'p:', connectTimeout: 700 }, io, true)).toEqual({
      kind: 'redis',
      url: 'redis://h:6380/2',
      prefix: 'p:',
      connectTimeoutMs: 700,
    });
  });

  it('refuses a Redis address that is not a redis:// or rediss:// URL, without echoing it', () => {
    expect(() => storeTarget({ ...base, redis: 'secret@localhost:6379' }, io, false)).toThrow(
      expect.objectContaining({ exitCode: 2, message: '--redis: expected a URL like redis://localhost:6379 (or rediss://… for TLS)' }),
    );
  });
});

describe('redactUrl', () => {
  it('hides a password and keeps the rest', () => {
    expect(redactUrl('redis://user:hunter2@cache:6379/1')).toBe('redis://user:***@cache:6379/1');
    expect(redactUrl('rediss://cache:6380')).toBe('rediss://cache:6380');
  });
});
