/*
 * Bounds that keep every method operation inside one commit of at most 64
 * checks + ops (the smallest `maxOpsPerCommit` a store may declare): a
 * method deactivation touches the method and every live instance at once, so
 * the live instances of one method are capped, and old DEACTIVATED ones are
 * pruned so a user's partition cannot grow without end.
 */

/** Most live (not DEACTIVATED) instances one method may have; `initiateInstance` refuses more. */
export const MAX_LIVE_INSTANCES = 25;

/** DEACTIVATED instances kept per method (shown by `methodInfo`); older ones are deleted by the next `initiateInstance`. */
export const MAX_KEPT_DEACTIVATED = 25;

/** Most UTF-8 bytes of an instance's `data`, serialised as JSON (SPEC §4.1: 4 KiB). */
export const MAX_DATA_BYTES = 4096;

/** Most levels of nested arrays and objects in an instance's `data`. */
export const MAX_DATA_DEPTH = 32;

/**
 * Longest instance id an operation accepts: a generated id is
 * `"<METHODTYPE>:<uuid>:<muid>"` = up to 64 + 1 + 36 + 1 + 256 characters,
 * longer than the 256 a host may choose.
 */
export const MAX_INSTANCE_ID_LENGTH = 358;
