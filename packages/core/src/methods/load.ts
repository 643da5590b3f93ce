import type { EngineContext } from '../context.js';
import { failuresKey, instanceKey, lockoutKey, methodKey } from '../layout.js';
import type { StoredRecord } from '../store.js';
import {
  decodeInstance,
  decodeLockout,
  decodeMethod,
  type InstanceRecord,
  type LockoutRecord,
  type MethodRecord,
} from './storage.js';
import type { MethodTarget } from './target.js';

/** A record as read, with the version a guarded commit checks (0 = absent). */
export interface Versioned<T> {
  readonly record: T | null;
  readonly version: number;
}

/** An instance as read. Guards use its state, not its version (see `instanceCheck`). */
export interface LoadedInstance {
  readonly instanceId: string;
  readonly record: InstanceRecord;
}

/** One method type of one user as read. */
export interface MethodSnapshot {
  readonly methodType: string;
  readonly method: Versioned<MethodRecord>;
  readonly lockout: Versioned<LockoutRecord>;
  /** The raw failure counter. */
  readonly failures: number;
}

/** What one load saw, all at the time `now`. */
export interface UserSnapshot {
  readonly now: number;
  readonly methods: ReadonlyMap<string, MethodSnapshot>;
  /** Every instance read, by id, whatever its method type. */
  readonly instances: ReadonlyMap<string, LoadedInstance>;
}

/** What to read besides the methods' records and counters. */
export interface LoadWanted {
  /** One instance, read in the first round trip. */
  readonly instanceId?: string | undefined;
  /** Every instance the methods list (one more round trip, only if they list any). */
  readonly allInstances?: boolean;
}

/**
 * Reads the state of some method types of one user: one `read` for the
 * method records, lockout records and failure counters (plus one named
 * instance), and one more for the methods' instances when asked.
 */
export async function loadUser(
  ctx: EngineContext,
  target: MethodTarget,
  methodTypes: readonly string[],
  wanted: LoadWanted = {},
): Promise<UserSnapshot> {
  const now = ctx.now();
  const types = [...new Set(methodTypes)];
  const recordKeys = types.flatMap((t) => [methodKey(t), lockoutKey(t)]);
  if (wanted.instanceId !== undefined) recordKeys.push(instanceKey(wanted.instanceId));
  const first = await ctx.store.read(target.operation, {
    partition: target.partition,
    records: recordKeys,
    counters: types.map(failuresKey),
    now,
  });
  const methods = new Map<string, MethodSnapshot>();
  types.forEach((methodType, i) => {
    methods.set(methodType, {
      methodType,
      method: versioned(first.records[2 * i], methodKey(methodType), decodeMethod),
      lockout: versioned(first.records[2 * i + 1], lockoutKey(methodType), decodeLockout),
      failures: first.counters[i] ?? 0,
    });
  });
  const instances = new Map<string, LoadedInstance>();
  if (wanted.instanceId !== undefined) addInstance(instances, wanted.instanceId, first.records[2 * types.length]);
  if (wanted.allInstances) {
    const ids = [...methods.values()]
      .flatMap((m) => m.method.record?.instances ?? [])
      .filter((id) => !instances.has(id));
    const unique = [...new Set(ids)];
    if (unique.length > 0) {
      const second = await ctx.store.read(target.operation, {
        partition: target.partition,
        records: unique.map(instanceKey),
        now,
      });
      unique.forEach((id, i) => addInstance(instances, id, second.records[i]));
    }
  }
  return { now, methods, instances };
}

function versioned<T>(
  stored: StoredRecord | null | undefined,
  key: string,
  decode: (key: string, value: StoredRecord['value']) => T,
): Versioned<T> {
  return stored ? { record: decode(key, stored.value), version: stored.version } : { record: null, version: 0 };
}

function addInstance(into: Map<string, LoadedInstance>, instanceId: string, stored: StoredRecord | null | undefined): void {
  if (!stored) return;
  const key = instanceKey(instanceId);
  into.set(instanceId, { instanceId, record: decodeInstance(key, stored.value) });
}

/** The snapshot of one method type (loaded by the caller). */
export function methodOf(snapshot: UserSnapshot, methodType: string): MethodSnapshot {
  const m = snapshot.methods.get(methodType);
  if (!m) throw new Error(`method ${methodType} was not loaded`);
  return m;
}

/** The loaded instances of a method, oldest first. */
export function instancesOf(snapshot: UserSnapshot, methodType: string): LoadedInstance[] {
  const ids = methodOf(snapshot, methodType).method.record?.instances ?? [];
  const out: LoadedInstance[] = [];
  for (const id of ids) {
    const inst = snapshot.instances.get(id);
    if (inst && inst.record.methodType === methodType) out.push(inst);
  }
  return out;
}
