import { describe, expect, it } from 'vitest';
import { clientPartition, directoryPartition, instancePartition, padNumber, tenantPartition, userPartition } from '../src/layout.js';

describe('partition names', () => {
  it('stay within a store limit of 512 characters for the longest ids', () => {
    const id = '語'.repeat(256);
    for (const name of [instancePartition(id, id), tenantPartition(id), clientPartition(id), directoryPartition(id, 'iusrAbCdEf'), userPartition(id, id)]) {
      expect(name.length).toBeLessThanOrEqual(512);
      expect(name).not.toMatch(/[{}]/);
    }
  });

  it('keep distinct ids distinct, long or short', () => {
    const long = (c: string) => c.repeat(200);
    expect(instancePartition(long('a'), 'n')).not.toBe(instancePartition(long('b'), 'n'));
    expect(instancePartition('a:b', 'c')).not.toBe(instancePartition('a', 'b:c'));
    expect(userPartition(long('é'), 'm')).not.toBe(userPartition(long('è'), 'm'));
    expect(userPartition('a:b', 'c')).not.toBe(userPartition('a', 'b:c'));
  });

  it('name a client without any tenant, and digest a long client key', () => {
    expect(clientPartition('203.0.113.7')).toBe('client:203.0.113.7');
    const long = clientPartition('語'.repeat(256));
    expect(long.length).toBeLessThan(100);
    expect(long).not.toBe(clientPartition('語'.repeat(255)));
  });

  it("shard the directory by two characters of the user id's hash part", () => {
    expect(directoryPartition('t', 'iusrABxxx')).toBe(directoryPartition('t', 'iusrAByyy'));
    expect(directoryPartition('t', 'iusrABxxx')).not.toBe(directoryPartition('t', 'iusrACxxx'));
  });

  it('pads numbers so they sort as strings', () => {
    expect(padNumber(42) < padNumber(100)).toBe(true);
    expect(padNumber(-5)).toBe(padNumber(0));
  });
});
