import { describe, expect, it } from 'vitest';
import { memoryStore } from '@ntpass/store-memory';
import { isNtpassError, partitionName, type Store } from '../src/index.js';
import { createStoreGateway } from '../src/store-gateway.js';

describe('store gateway', () => {
  it('turns a driver failure into STORE_UNAVAILABLE naming the operation, with the cause', async () => {
    const cause = new Error('ECONNREFUSED');
    const down: Store = { ...memoryStore(), read: () => Promise.reject(cause) };
    const gateway = createStoreGateway(down);
    const error = await gateway.read('redeemCode', { partition: 'p', records: ['k'], now: 0 }).catch((e: unknown) => e);
    expect(isNtpassError(error) && error.code).toBe('STORE_UNAVAILABLE');
    expect((error as Error).message).toBe('redeemCode: store unavailable');
    expect((error as Error).cause).toBe(cause);
  });

  it('passes results through untouched', async () => {
    const gateway = createStoreGateway(memoryStore());
    const r = await gateway.commit('op', { partition: 'p', now: 0, ops: [{ type: 'add', key: 'c', by: 2 }] });
    expect(r).toEqual({ ok: true, counters: { c: 2 }, versions: {} });
  });
});

describe('partitionName', () => {
  it('is unambiguous and free of hash-tag braces', () => {
    expect(partitionName('ntp', 'a:b', 'c')).not.toBe(partitionName('ntp', 'a', 'b:c'));
    expect(partitionName('ntp', '{t}', '%')).toBe('ntp:%7Bt%7D:%25');
    expect(partitionName('user', 'é😀', 'x y')).toMatch(/^[A-Za-z0-9\-_.!~*'()%:]+$/);
  });
});
