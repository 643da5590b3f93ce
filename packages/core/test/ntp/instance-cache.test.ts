import { describe, expect, it } from 'vitest';
import { createInstanceCache } from '../../src/ntp/instance-cache.js';
import type { Instance } from '../../src/ntp/instance-rules.js';

const inst = (objectId: string) => ({ objectId }) as unknown as Instance;

describe('instance cache', () => {
  it('keeps at most its capacity, evicting the least recently used', () => {
    const cache = createInstanceCache(2);
    cache.set('a', { instance: inst('a'), version: 1 });
    cache.set('b', { instance: inst('b'), version: 1 });
    cache.get('a');
    cache.set('c', { instance: inst('c'), version: 1 });
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')?.instance.objectId).toBe('a');
    expect(cache.get('c')?.instance.objectId).toBe('c');
  });

  it('never replaces a newer version with an older one', () => {
    const cache = createInstanceCache();
    cache.set('a', { instance: inst('new'), version: 5 });
    cache.set('a', { instance: inst('old'), version: 3 });
    expect(cache.get('a')?.version).toBe(5);
    cache.set('a', { instance: inst('newer'), version: 6 });
    expect(cache.get('a')?.instance.objectId).toBe('newer');
  });

  it('forgets a deleted entry', () => {
    const cache = createInstanceCache();
    cache.set('a', { instance: inst('a'), version: 1 });
    cache.delete('a');
    expect(cache.get('a')).toBeUndefined();
  });
});
