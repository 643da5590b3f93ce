import { type Check, type Fields, type Json, type Op } from '../store.js';
import { instanceKey } from '../layout.js';
import type { InstanceState, MethodState } from './types.js';

/*
 * What a user's method records hold (their partition and keys are named in
 * ../layout.ts), and how they are read and written.
 */

/** `m:T`: what operators set. A lockout is not here but in `l:T`, so it can expire on its own. */
export interface MethodRecord {
  /** ACTIVE, BLOCKED (by an operator) or DEACTIVATED. */
  readonly state: MethodState;
  /** When an operator last changed the state; absent until one did. */
  readonly changedAt?: number;
  /** Every kept instance of the method, oldest first. */
  readonly instances: readonly string[];
}

/** `l:T`: an automatic block by the lockout. */
export interface LockoutRecord {
  readonly blockedAt: number;
  /** When it ends by itself; absent for a permanent lockout. */
  readonly blockedUntil?: number;
}

/** `i:<instanceId>`. */
export interface InstanceRecord {
  readonly methodType: string;
  readonly state: InstanceState;
  readonly createdAt: number;
  readonly changedAt: number;
  readonly lastUsedAt?: number;
  /** The host's data; absent when none was given. */
  readonly data?: Json;
}

const METHOD_STATES: readonly string[] = ['ACTIVE', 'BLOCKED', 'DEACTIVATED'];
const INSTANCE_STATES: readonly string[] = ['INITIATED', 'ACTIVE', 'BLOCKED', 'DEACTIVATED'];

const num = (v: Json | undefined): number | undefined => (typeof v === 'number' ? v : undefined);

/** A record this engine did not write is a broken store, not a rule outcome. */
function corrupt(key: string): Error {
  return new Error(`stored record ${key} is malformed`);
}

export function decodeMethod(key: string, value: Fields): MethodRecord {
  const { state, changedAt, instances } = value;
  if (typeof state !== 'string' || !METHOD_STATES.includes(state) || !Array.isArray(instances)) throw corrupt(key);
  const ids = instances.filter((id): id is string => typeof id === 'string');
  const at = num(changedAt);
  return at === undefined
    ? { state: state as MethodState, instances: ids }
    : { state: state as MethodState, changedAt: at, instances: ids };
}

export function decodeLockout(key: string, value: Fields): LockoutRecord {
  const blockedAt = num(value['blockedAt']);
  if (blockedAt === undefined) throw corrupt(key);
  const blockedUntil = num(value['blockedUntil']);
  return blockedUntil === undefined ? { blockedAt } : { blockedAt, blockedUntil };
}

export function decodeInstance(key: string, value: Fields): InstanceRecord {
  const { methodType, state, data } = value;
  const createdAt = num(value['createdAt']);
  const changedAt = num(value['changedAt']);
  const lastUsedAt = num(value['lastUsedAt']);
  if (
    typeof methodType !== 'string' ||
    typeof state !== 'string' ||
    !INSTANCE_STATES.includes(state) ||
    createdAt === undefined ||
    changedAt === undefined
  ) {
    throw corrupt(key);
  }
  return {
    methodType,
    state: state as InstanceState,
    createdAt,
    changedAt,
    ...(lastUsedAt === undefined ? {} : { lastUsedAt }),
    ...(data === undefined ? {} : { data }),
  };
}

/** Records become store fields as they are: every optional key is absent, never `undefined`. */
export function encode(record: MethodRecord | LockoutRecord | InstanceRecord): Fields {
  return record as unknown as Fields;
}

/** Guards a record's version (0 = it must be absent). */
export function versionCheck(key: string, version: number): Check {
  return { type: 'version', key, version };
}

/**
 * Guards an instance by what a transition depends on — its state, and its
 * creation time so a deleted and re-created id does not pass — not by its
 * version, which every successful authentication bumps (`lastUsedAt`): a
 * stream of logins must not starve an operator's block.
 */
export function instanceCheck(instanceId: string, record: InstanceRecord): Check {
  return { type: 'fields', key: instanceKey(instanceId), equals: { state: record.state, createdAt: record.createdAt } };
}

/** Moves an instance to `state`, leaving its other fields alone. */
export function instanceStateOp(instanceId: string, state: InstanceState, now: number): Op {
  return { type: 'patch', key: instanceKey(instanceId), set: { state, changedAt: now } };
}
