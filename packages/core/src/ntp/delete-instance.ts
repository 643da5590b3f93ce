import { parseInput } from '../validate.js';
import { K, instancePartition, tenantPartition } from '../layout.js';
import type { Purger } from './purge.js';
import { instanceNotFound } from './errors.js';
import type { NtpRuntime } from './runtime.js';
import { ntpInstanceRefSchema } from './schemas.js';
import type { NtpInstanceRef } from './types.js';

/**
 * `deleteNtpInstance` (SPEC §3.1): registered for purging, then its record
 * deleted — from that commit on every operation finds it NOT_FOUND and no code
 * of it redeems, since every write and redemption checks that record — then
 * dropped from the tenant's index, and purged in the background.
 */
export function createDeleteOperation(rt: NtpRuntime, purger: Purger) {
  const { ctx } = rt;
  return async function deleteNtpInstance(options: NtpInstanceRef): Promise<void> {
    const op = 'deleteNtpInstance';
    const { tenantId, ntpId } = parseInput(ntpInstanceRefSchema, options, op);
    const partition = instancePartition(tenantId, ntpId);
    // Read first, so deleting what does not exist registers nothing.
    const { cached } = await rt.readInstance(op, tenantId, ntpId);
    if (!cached) throw instanceNotFound(op, ntpId);
    await purger.register(op, tenantId, ntpId, cached.instance.ticketLength);
    const now = ctx.now();
    const deleted = await rt.commit(op, partition, now, [{ type: 'fields', key: K.instance, equals: {} }], [{ type: 'delete', key: K.instance }]);
    rt.cache.delete(partition);
    // Refused: a concurrent delete won; it registered the same purge.
    if (!deleted.ok) throw instanceNotFound(op, ntpId);
    // A crash before this leaves an index entry without its instance, which listing repairs.
    await rt.commit(op, tenantPartition(tenantId), now, [], [{ type: 'indexDelete', index: K.instances, member: ntpId }]);
    ctx.emit({ type: 'ntp.instance.deleted', tenantId, at: now, ntpId });
    purger.start(tenantId, ntpId, cached.instance.ticketLength);
  };
}
