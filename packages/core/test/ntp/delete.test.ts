import { describe, expect, it } from 'vitest';
import { createEngine } from '@ntpass/core';
import { recordingStore } from '@ntpass/core/testing';
import { memoryStore } from '@ntpass/store-memory';
import { PURGE_PARTITION, instancePartition } from '../../src/layout.js';
import { SECRET, T, eventually, faultyStore, instance, rejects, setup, sibling } from './support.js';

describe('deleteNtpInstance', () => {
  it('makes the instance NOT_FOUND to every operation and stops its codes at once', async () => {
    const s = setup();
    const ntpId = await instance(s);
    const { token } = await s.engine.issueNtpCode({ tenantId: T, ntpId });
    await s.engine.redeemCode({ tenantId: T, ntpId, code: token });
    await s.engine.deleteNtpInstance({ tenantId: T, ntpId });
    const ref = { tenantId: T, ntpId };
    await rejects(s.engine.ntpInstance(ref), 'NOT_FOUND');
    await rejects(s.engine.updateNtpInstance({ ...ref, maxTickets: 3 }), 'NOT_FOUND');
    await rejects(s.engine.suspendNtpInstance(ref), 'NOT_FOUND');
    await rejects(s.engine.deleteNtpInstance(ref), 'NOT_FOUND');
    await rejects(s.engine.issueNtpCode(ref), 'NOT_FOUND');
    await rejects(s.engine.issueNtpCodes({ ...ref, count: 2 }), 'NOT_FOUND');
    await rejects(s.engine.listNtpTickets(ref), 'NOT_FOUND');
    await rejects(s.engine.ntpInstanceReport(ref), 'NOT_FOUND');
    await rejects(s.engine.revokeNtpCode({ ...ref, code: token }), 'NOT_FOUND');
    // Redeem never says NOT_FOUND: a deleted instance's code is just invalid.
    await rejects(s.engine.redeemCode({ ...ref, code: token }), 'INVALID_CODE');
    await rejects(s.engine.redeemCode({ tenantId: T, code: token }), 'INVALID_CODE');
    expect(await s.engine.listNtpInstances({ tenantId: T })).toMatchObject({ total: 0, ntpInstances: [] });
  });

  it('purges every ticket, counter and directory entry in the background', async () => {
    const s = setup();
    const ntpId = await instance(s);
    const keep = await instance(s);
    await s.engine.issueNtpCodes({ tenantId: T, ntpId, count: 50 });
    const { token } = await s.engine.issueNtpCode({ tenantId: T, ntpId: keep });
    await s.engine.deleteNtpInstance({ tenantId: T, ntpId });
    await eventually(async () => {
      const snap = await s.store.snapshot(s.clock.now());
      return snap[instancePartition(T, ntpId)] === undefined && snap[PURGE_PARTITION] === undefined;
    });
    const snap = await s.store.snapshot(s.clock.now());
    const pointers = Object.values(snap).flatMap((p) => Object.values(p.records).map((r) => r.value['ntpId']));
    expect(pointers).not.toContain(ntpId);
    expect(pointers).toContain(keep);
    expect(await s.engine.redeemCode({ tenantId: T, code: token })).toBe('iq__object');
  });

  it('stops purging on close, and a later engine resumes and finishes it', async () => {
    const base = recordingStore(memoryStore({ maxOpsPerCommit: 64 }));
    const first = createEngine({ store: base, secret: SECRET });
    const ntpId = await first.createNtpInstance({ tenantId: T, objectId: 'o' });
    await first.issueNtpCodes({ tenantId: T, ntpId, count: 2500 });
    await first.deleteNtpInstance({ tenantId: T, ntpId });
    await first.close();
    const callsAfterClose = base.calls.length;
    await new Promise((r) => setTimeout(r, 20));
    expect(base.calls.length).toBe(callsAfterClose);
    const partition = instancePartition(T, ntpId);
    const left = await base.scan({ partition, limit: 10, now: Date.now() });
    expect(left.records.length).toBeGreaterThan(0);

    const second = createEngine({ store: base, secret: SECRET });
    try {
      await eventually(async () => {
        const snap = await base.snapshot(Date.now());
        return snap[partition] === undefined && snap[PURGE_PARTITION] === undefined;
      });
    } finally {
      await second.close();
    }
  });

  it('never purges an instance whose delete failed after registering it', async () => {
    const s = setup({ store: faultyStore(memoryStore(), (c) => (c.ops.some((op) => op.type === 'delete' && op.key === 'inst') ? 'fail' : undefined)) });
    const ntpId = await instance(s);
    const { token } = await s.engine.issueNtpCode({ tenantId: T, ntpId });
    await rejects(s.engine.deleteNtpInstance({ tenantId: T, ntpId }), 'STORE_UNAVAILABLE');
    const resumed = sibling(s);
    await new Promise((r) => setTimeout(r, 20));
    expect(await resumed.redeemCode({ tenantId: T, code: token })).toBe('iq__object');
    expect((await resumed.listNtpTickets({ tenantId: T, ntpId })).total).toBe(1);
  });

  it('a purge resumed by a new engine costs one list when nothing is pending', async () => {
    const store = recordingStore(memoryStore());
    const engine = createEngine({ store, secret: SECRET });
    await engine.close();
    expect(store.calls).toEqual([{ method: 'list', partitions: [PURGE_PARTITION] }]);
  });
});
