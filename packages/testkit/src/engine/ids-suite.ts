import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createEngine } from '@ntpass/core';
import { createFakeClock } from '@ntpass/core/testing';
import { withStore, type ConformanceTarget, type TestRunner } from '../runner.js';

/*
 * SPEC §2: every caller-chosen id of 1–256 characters without control
 * characters works on every store, for every operation of both domains. The
 * longest ids of non-ASCII text encode to thousands of bytes, past every
 * store's key limit unless the engine names partitions with care.
 */

const SECRET = 'ntpass-testkit-ids-secret-7Qw9zK2mXv4pL8rT';

/** A 256-character id of 3-byte UTF-8 characters, with brace and colon characters a Redis hash tag or a separator could trip on. */
function longId(seed: string): string {
  const head = `{${seed}}:%`;
  return head + 'é漢字'.repeat(Math.ceil(256 / 3)).slice(0, 256 - head.length);
}

export function registerIdsEngineSuite(target: ConformanceTarget, runner: TestRunner): void {
  const { describe, it } = runner;
  describe('engine: every valid id works (SPEC §2)', () => {
    it('256-character non-ASCII tenant, object, muid, instance and client ids work for every operation', () =>
      withStore(target, async (store) => {
        const clock = createFakeClock();
        const engine = createEngine({ store, secret: SECRET, clock: clock.now });
        try {
          const run = randomUUID();
          const tenantId = longId(`t-${run}`);
          const objectId = longId('o');
          const muid = longId(`u-${run}`);
          assert.equal(tenantId.length, 256);
          assert.equal([...muid].length, 256);

          const ntpId = await engine.createNtpInstance({ tenantId, objectId, maxRedemptions: 2 });
          const { token, userId } = await engine.issueNtpCode({ tenantId, ntpId, email: 'ann@example.org' });
          const { tokens } = await engine.issueNtpCodes({ tenantId, ntpId, count: 3 });
          assert.equal(await engine.redeemCode({ tenantId, code: token, email: 'ann@example.org', clientKey: longId('c') }), objectId);
          assert.equal(await engine.redeemCode({ issuer: `/otp/ntp/${encodeURIComponent(tenantId)}/${ntpId}`, code: tokens[0]!.token }), objectId);
          assert.equal((await engine.ntpCodeStatus({ tenantId, code: token, email: 'ann@example.org' })).redemptions, 1);
          await assert.rejects(engine.redeemCode({ tenantId, code: 'zzzzzz', clientKey: longId('c') }), { code: 'INVALID_CODE' });
          await engine.revokeNtpCode({ tenantId, ntpId, userId });
          assert.equal((await engine.listNtpTickets({ tenantId, ntpId, count: 10, offset: 0 })).total, 4);
          assert.equal((await engine.listNtpInstances({ tenantId })).ntpInstances[0]?.objectId, objectId);
          await engine.updateNtpInstance({ tenantId, ntpId, maxRedemptions: 5 });
          assert.equal((await engine.ntpInstanceReport({ tenantId, ntpId })).revoked, 1);
          await engine.suspendNtpInstance({ tenantId, ntpId });
          await engine.deleteNtpInstance({ tenantId, ntpId });
          await assert.rejects(engine.ntpInstance({ tenantId, ntpId }), { code: 'NOT_FOUND' });

          const instanceId = longId('i');
          await engine.initiateInstance({ tenantId, muid, methodType: 'CM', instanceId, data: { ref: longId('d') } });
          await engine.activateInstance({ tenantId, muid, methodType: 'CM', instanceId });
          assert.equal((await engine.authenticate({ tenantId, muid, methodType: 'CM', instanceId, verify: () => true })).ok, true);
          assert.equal((await engine.authenticate({ tenantId, muid, methodType: 'CM', instanceId, verify: () => false })).failedAttempts, 1);
          await engine.blockInstance({ tenantId, muid, methodType: 'CM', instanceId });
          await engine.unblockInstance({ tenantId, muid, methodType: 'CM', instanceId });
          await engine.blockMethod({ tenantId, muid, methodType: 'CM' });
          await engine.unblockMethod({ tenantId, muid, methodType: 'CM' });
          await engine.deactivateInstance({ tenantId, muid, methodType: 'CM', instanceId });
          await engine.deactivateMethod({ tenantId, muid, methodType: 'CM' });
          await engine.activateMethod({ tenantId, muid, methodType: 'CM' });
          const [info] = (await engine.methodInfo({ tenantId, muid, methodTypes: ['CM'] })).methodInfo;
          assert.equal(info?.state, 'ACTIVE');
          assert.deepEqual(info?.instances.map((i) => [i.instanceId, i.state]), [[instanceId, 'DEACTIVATED']]);
        } finally {
          await engine.close();
        }
      }), 120_000);
  });
}
