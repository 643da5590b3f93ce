import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import type { Clock } from './clock.js';
import { systemClock } from './clock.js';
import { invalidArgument } from './errors.js';
import type { EventHandler } from './events.js';
import { checkId } from './ids.js';
import { secretWeakness } from './secret-strength.js';
import { toEd25519PublicKey } from './signing.js';
import type { Store } from './store.js';

/** The built-in authentication method types. */
export const BUILTIN_METHOD_TYPES = ['PASSWORD', 'ACTIVATION_CODE', 'SMS', 'CM', 'SPNEGO', 'TLS_CLIENT'] as const;

/** How many instances of a method type may be live at once. */
export type MethodCardinality = 'single' | 'multi';

/** Failed-attempt policy for a method type (SPEC §4.3). */
export interface LockoutPolicy {
  /** Failures that block the method. @default 3 */
  readonly maxFailedAttempts?: number;
  /** If set, an automatic block ends by itself this long after it began, with failures reset. @default permanent */
  readonly lockoutMs?: number;
  /** If set, the failure count restarts once the last failure is older than this. @default never */
  readonly failureResetMs?: number;
}

/** Lockout policy: a default plus overrides per method type. */
export interface LockoutOptions extends LockoutPolicy {
  readonly byMethodType?: { readonly [methodType: string]: LockoutPolicy };
}

/** Per-client brute-force throttle on redeem (SPEC §3.5). */
export interface RedeemThrottleOptions {
  /** Failures within one window that ban the client. @default 10 */
  readonly maxFailures?: number;
  /** Length of the fixed failure-counting window. @default 900000 (15 min) */
  readonly windowMs?: number;
  /** How long a banned client is refused. @default 900000 (15 min) */
  readonly banMs?: number;
}

/** An Ed25519 key: a `KeyObject` or PEM text. */
export type KeyInput = KeyObject | string;

/** Everything `createEngine` accepts. */
export interface EngineOptions {
  /** Where state lives. Required. */
  readonly store: Store;
  /**
   * Master key for codes and emails at rest: at least 32 bytes (a string
   * counts its UTF-8 bytes) of real entropy — a constant, a repeated pattern
   * or fewer than 16 distinct bytes is refused. HKDF derives separate subkeys
   * from it for codes, emails and signed payloads. Required.
   */
  readonly secret: string | Uint8Array;
  /** Ed25519 private key: enables `issueSignedNtpCode`; its public half verifies redemptions. */
  readonly signingKey?: KeyInput;
  /** Key id written into signed payloads as `kid`. */
  readonly signingKeyId?: string;
  /** More Ed25519 public keys accepted when redeeming signed codes, by kid (key rotation). */
  readonly verifyKeys?: { readonly [kid: string]: KeyInput };
  /** Tenant used by method and instance operations that omit `tenantId`. */
  readonly defaultTenantId?: string;
  /** Current time in epoch ms. @default Date.now */
  readonly clock?: Clock;
  /** Failed-attempt lockout policy. */
  readonly lockout?: LockoutOptions;
  /** Per-client redeem throttle. */
  readonly redeemThrottle?: RedeemThrottleOptions;
  /**
   * Failed redemptions of one tenant within one `redeemThrottle.windowMs`
   * (counted in this process) at which `ntp.guessing` is emitted, once per
   * window: someone may be guessing from many clients. @default 100
   */
  readonly guessingThreshold?: number;
  /** Extra method types, or a different cardinality for built-in ones. */
  readonly methodTypes?: { readonly [methodType: string]: MethodCardinality };
  /** Receives one event per committed state change. */
  readonly onEvent?: EventHandler;
}

/** A lockout policy with its defaults applied. */
export interface ResolvedLockoutPolicy {
  readonly maxFailedAttempts: number;
  readonly lockoutMs: number | undefined;
  readonly failureResetMs: number | undefined;
}

/** {@link EngineOptions} validated, with defaults applied. */
export interface ResolvedOptions {
  readonly store: Store;
  readonly secret: Uint8Array;
  readonly signingKey: KeyObject | undefined;
  readonly signingKeyId: string | undefined;
  /** Every key that verifies a signed code, by kid; `''` is the signing key's public half when it has no kid. */
  readonly verifyKeys: ReadonlyMap<string, KeyObject>;
  readonly defaultTenantId: string | undefined;
  readonly clock: Clock;
  /** The policy for a method type. */
  readonly lockoutFor: (methodType: string) => ResolvedLockoutPolicy;
  readonly redeemThrottle: Required<RedeemThrottleOptions>;
  readonly guessingThreshold: number;
  /** Every known method type and its cardinality. */
  readonly methodTypes: ReadonlyMap<string, MethodCardinality>;
  readonly onEvent: EventHandler | undefined;
}

/** Defaults in one place. */
export const DEFAULTS = {
  maxFailedAttempts: 3,
  redeemThrottle: { maxFailures: 10, windowMs: 15 * 60 * 1000, banMs: 15 * 60 * 1000 },
  guessingThreshold: 100,
  methodCardinality: {
    PASSWORD: 'single',
    ACTIVATION_CODE: 'single',
    SMS: 'single',
    CM: 'multi',
    SPNEGO: 'multi',
    TLS_CLIENT: 'multi',
  } satisfies Record<(typeof BUILTIN_METHOD_TYPES)[number], MethodCardinality>,
} as const;

const OP = 'createEngine';
const KNOWN_OPTIONS = new Set([
  'store',
  'secret',
  'signingKey',
  'signingKeyId',
  'verifyKeys',
  'defaultTenantId',
  'clock',
  'lockout',
  'redeemThrottle',
  'guessingThreshold',
  'methodTypes',
  'onEvent',
]);
const STORE_METHODS = ['read', 'commit', 'commitBatch', 'list', 'scan', 'dropPartition', 'close'] as const;
const METHOD_TYPE_NAME = /^[A-Z][A-Z0-9_]{0,63}$/;

/** Validates every option once, failing fast with `INVALID_ARGUMENT` naming it. */
export function resolveOptions(input: EngineOptions): ResolvedOptions {
  if (typeof input !== 'object' || input === null) throw invalidArgument(OP, 'options', 'must be an object');
  rejectUnknown(input, KNOWN_OPTIONS, 'options');
  const signingKey = input.signingKey === undefined ? undefined : toPrivateKey(input.signingKey);
  const signingKeyId = input.signingKeyId === undefined ? undefined : checkId(input.signingKeyId, OP, 'signingKeyId');
  return {
    store: checkStore(input.store),
    secret: checkSecret(input.secret),
    signingKey,
    signingKeyId,
    verifyKeys: collectVerifyKeys(input.verifyKeys, signingKey, signingKeyId),
    defaultTenantId:
      input.defaultTenantId === undefined ? undefined : checkId(input.defaultTenantId, OP, 'defaultTenantId'),
    clock: checkFunction(input.clock, 'clock') ?? systemClock,
    lockoutFor: resolveLockout(input.lockout),
    redeemThrottle: resolveThrottle(input.redeemThrottle),
    guessingThreshold: optionalPositive(input.guessingThreshold, 'guessingThreshold') ?? DEFAULTS.guessingThreshold,
    methodTypes: resolveMethodTypes(input.methodTypes),
    onEvent: checkFunction(input.onEvent, 'onEvent'),
  };
}

function rejectUnknown(value: object, known: ReadonlySet<string>, path: string): void {
  for (const key of Object.keys(value)) {
    if (!known.has(key)) throw invalidArgument(OP, `${path}.${key}`, 'is not a known option');
  }
}

function checkStore(store: unknown): Store {
  if (typeof store !== 'object' || store === null) throw invalidArgument(OP, 'store', 'is required');
  const candidate = store as Record<string, unknown>;
  for (const method of STORE_METHODS) {
    if (typeof candidate[method] !== 'function') throw invalidArgument(OP, 'store', `must implement ${method}()`);
  }
  const limits = candidate['limits'] as { maxOpsPerCommit?: unknown } | undefined;
  if (!limits || typeof limits.maxOpsPerCommit !== 'number' || !Number.isInteger(limits.maxOpsPerCommit) || limits.maxOpsPerCommit < 64) {
    throw invalidArgument(OP, 'store.limits.maxOpsPerCommit', 'must be an integer >= 64');
  }
  return store as Store;
}

function checkSecret(secret: unknown): Uint8Array {
  let bytes: Uint8Array;
  if (typeof secret === 'string') bytes = new TextEncoder().encode(secret);
  else if (secret instanceof Uint8Array) bytes = Uint8Array.from(secret);
  else throw invalidArgument(OP, 'secret', 'is required (a string or Uint8Array of at least 32 bytes)');
  if (bytes.length < 32) throw invalidArgument(OP, 'secret', 'must be at least 32 bytes');
  const weakness = secretWeakness(typeof secret === 'string' ? secret : bytes);
  if (weakness !== undefined) throw invalidArgument(OP, 'secret', weakness);
  return bytes;
}

function checkFunction<T>(value: T | undefined, field: string): T | undefined {
  if (value !== undefined && typeof value !== 'function') throw invalidArgument(OP, field, 'must be a function');
  return value;
}

function toPrivateKey(key: KeyInput): KeyObject {
  try {
    const k = typeof key === 'string' ? createPrivateKey(key) : key;
    if (k.type === 'private' && k.asymmetricKeyType === 'ed25519') return k;
  } catch {
    // fall through to the uniform message
  }
  throw invalidArgument(OP, 'signingKey', 'must be an Ed25519 private key (KeyObject or PEM)');
}

function collectVerifyKeys(
  input: EngineOptions['verifyKeys'],
  signingKey: KeyObject | undefined,
  signingKeyId: string | undefined,
): ReadonlyMap<string, KeyObject> {
  const keys = new Map<string, KeyObject>();
  if (input !== undefined) {
    if (typeof input !== 'object' || input === null) throw invalidArgument(OP, 'verifyKeys', 'must be an object of kid → key');
    for (const [kid, key] of Object.entries(input)) keys.set(kid, toEd25519PublicKey(key, OP, `verifyKeys.${kid}`));
  }
  if (signingKey) keys.set(signingKeyId ?? '', createPublicKey(signingKey));
  return keys;
}

function positiveInteger(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    throw invalidArgument(OP, field, 'must be a positive integer');
  }
  return value;
}

function optionalPositive(value: unknown, field: string): number | undefined {
  return value === undefined ? undefined : positiveInteger(value, field);
}

const LOCKOUT_FIELDS = new Set(['maxFailedAttempts', 'lockoutMs', 'failureResetMs']);

function resolvePolicy(policy: LockoutPolicy, base: ResolvedLockoutPolicy, path: string): ResolvedLockoutPolicy {
  if (typeof policy !== 'object' || policy === null) throw invalidArgument(OP, path, 'must be an object');
  rejectUnknown(policy, LOCKOUT_FIELDS, path);
  return {
    maxFailedAttempts: optionalPositive(policy.maxFailedAttempts, `${path}.maxFailedAttempts`) ?? base.maxFailedAttempts,
    lockoutMs: optionalPositive(policy.lockoutMs, `${path}.lockoutMs`) ?? base.lockoutMs,
    failureResetMs: optionalPositive(policy.failureResetMs, `${path}.failureResetMs`) ?? base.failureResetMs,
  };
}

function resolveLockout(input: LockoutOptions | undefined): (methodType: string) => ResolvedLockoutPolicy {
  const base: ResolvedLockoutPolicy = { maxFailedAttempts: DEFAULTS.maxFailedAttempts, lockoutMs: undefined, failureResetMs: undefined };
  if (input === undefined) return () => base;
  const { byMethodType, ...rest } = input;
  const general = resolvePolicy(rest, base, 'lockout');
  const overrides = new Map<string, ResolvedLockoutPolicy>();
  if (byMethodType !== undefined) {
    if (typeof byMethodType !== 'object' || byMethodType === null) {
      throw invalidArgument(OP, 'lockout.byMethodType', 'must be an object');
    }
    for (const [type, policy] of Object.entries(byMethodType)) {
      overrides.set(type, resolvePolicy(policy, general, `lockout.byMethodType.${type}`));
    }
  }
  return (methodType) => overrides.get(methodType) ?? general;
}

const THROTTLE_FIELDS = new Set(['maxFailures', 'windowMs', 'banMs']);

function resolveThrottle(input: RedeemThrottleOptions | undefined): Required<RedeemThrottleOptions> {
  const d = DEFAULTS.redeemThrottle;
  if (input === undefined) return { ...d };
  if (typeof input !== 'object' || input === null) throw invalidArgument(OP, 'redeemThrottle', 'must be an object');
  rejectUnknown(input, THROTTLE_FIELDS, 'redeemThrottle');
  return {
    maxFailures: optionalPositive(input.maxFailures, 'redeemThrottle.maxFailures') ?? d.maxFailures,
    windowMs: optionalPositive(input.windowMs, 'redeemThrottle.windowMs') ?? d.windowMs,
    banMs: optionalPositive(input.banMs, 'redeemThrottle.banMs') ?? d.banMs,
  };
}

function resolveMethodTypes(input: EngineOptions['methodTypes']): ReadonlyMap<string, MethodCardinality> {
  const types = new Map<string, MethodCardinality>(Object.entries(DEFAULTS.methodCardinality));
  if (input === undefined) return types;
  if (typeof input !== 'object' || input === null) throw invalidArgument(OP, 'methodTypes', 'must be an object of type → "single" | "multi"');
  for (const [type, cardinality] of Object.entries(input)) {
    if (!METHOD_TYPE_NAME.test(type)) throw invalidArgument(OP, `methodTypes.${type}`, 'must be an upper-case name (A-Z, 0-9, _)');
    if (cardinality !== 'single' && cardinality !== 'multi') {
      throw invalidArgument(OP, `methodTypes.${type}`, 'must be "single" or "multi"');
    }
    types.set(type, cardinality);
  }
  return types;
}
