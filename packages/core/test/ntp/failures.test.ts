import { describe, expect, it } from 'vitest';
import type { Commit, Store } from '@ntpass/core';
import { memoryStore } from '@ntpass/store-memory';
import { T, faultyStore, instance, rejects, setup, sibling, type Setup } from './support.js';

/** A store whose every call fails, as a lost connection does. */
function unreachable(): Store {
  const fail = () => Promise.reject(new Error('ECONNREFUSED'));
  return { limits: { maxOpsPerCommit: 1000 }, read: fail, commit: fail, commitBatch: fail, list: fail, scan: fail, dropPartition: fail, close: async () => undefined };
}

describe('store failures', () => {
  it('surface as STORE_UNAVAILABLE naming the operation, with the cause attached', async () => {
    const s = setup({ store: unreachable() });
    const ref = { tenantId: T, ntpId: 'QOTP11111111111' };
    const calls: [string, Promise<unknown>][] = [
      ['createNtpInstance', s.engine.createNtpInstance({ tenantId: T, objectId: 'o' })],
      ['ntpInstance', s.engine.ntpInstance(ref)],
      ['listNtpInstances', s.engine.listNtpInstances({ tenantId: T })],
      ['updateNtpInstance', s.engine.updateNtpInstance({ ...ref, maxTickets: 1 })],
      ['suspendNtpInstance', s.engine.suspendNtpInstance(ref)],
      ['deleteNtpInstance', s.engine.deleteNtpInstance(ref)],
      ['issueNtpCode', s.engine.issueNtpCode(ref)],
      ['issueNtpCodes', s.engine.issueNtpCodes({ ...ref, count: 2 })],
      ['redeemCode', s.engine.redeemCode({ ...ref, code: 'abcdef' })],
      ['ntpCodeStatus', s.engine.ntpCodeStatus({ ...ref, code: 'abcdef' })],
      ['listNtpTickets', s.engine.listNtpTickets(ref)],
      ['revokeNtpCode', s.engine.revokeNtpCode({ ...ref, code: 'abcdef' })],
      ['ntpInstanceReport', s.engine.ntpInstanceReport(ref)],
    ];
    for (const [op, call] of calls) {
      const error = await rejects(call, 'STORE_UNAVAILABLE');
      expect(error.message).toBe(`${op}: store unavailable`);
      expect((error.cause as Error).message).toBe('ECONNREFUSED');
    }
  });
});

describe('contention', () => {
  /** A store on which, before each matching commit, another process changes the instance. */
  function contended(match: (c: Commit) => boolean): { s: Setup; start: (ntpId: string) => void } {
    let target: string | null = null;
    let other: ReturnType<typeof sibling> | null = null;
    let interfering = false;
    const interfere = async (ntpId: string, engine: ReturnType<typeof sibling>) => {
      interfering = true;
      try {
        await engine.updateNtpInstance({ tenantId: T, ntpId, maxTickets: 0 });
      } finally {
        interfering = false;
      }
    };
    const s = setup({
      store: faultyStore(memoryStore(), (c) => (target !== null && other !== null && !interfering && match(c) ? interfere(target, other) : undefined)),
    });
    return {
      s,
      start: (ntpId) => {
        target = ntpId;
        other = sibling(s);
      },
    };
  }

  it('gives up with CONFLICT when the instance changes under every redemption attempt', async () => {
    const { s, start } = contended((c) => c.ops.some((op) => op.type === 'add' && op.key.startsWith('r:')));
    const ntpId = await instance(s);
    const { token } = await s.engine.issueNtpCode({ tenantId: T, ntpId });
    start(ntpId);
    const error = await rejects(s.engine.redeemCode({ tenantId: T, ntpId, code: token }), 'CONFLICT');
    expect(error.message).toContain(ntpId);
    expect((await s.engine.ntpInstance({ tenantId: T, ntpId })).redemptions).toBe(0);
  });

  it('gives up with CONFLICT when the instance changes under every update and issue attempt', async () => {
    const { s, start } = contended((c) => c.ops.some((op) => (op.type === 'put' && op.key === 'inst') || (op.type === 'add' && op.key === 'issued')));
    const ntpId = await instance(s);
    start(ntpId);
    await rejects(s.engine.updateNtpInstance({ tenantId: T, ntpId, maxRedemptions: 3 }), 'CONFLICT');
    await rejects(s.engine.issueNtpCode({ tenantId: T, ntpId }), 'CONFLICT');
    expect((await s.engine.ntpInstance({ tenantId: T, ntpId })).issuedTickets).toBe(0);
  });
});
