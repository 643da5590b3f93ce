/** Who caused a method state change. */
export type ChangedBy = 'operator' | 'lockout';

interface EventBase {
  readonly tenantId: string;
  /** When the change was committed (engine clock, epoch ms). */
  readonly at: number;
}

/** An NTP instance changed. */
export interface NtpInstanceEvent extends EventBase {
  readonly type: 'ntp.instance.created' | 'ntp.instance.updated' | 'ntp.instance.suspended' | 'ntp.instance.deleted';
  readonly ntpId: string;
}

/** Codes were issued: one event per call, bulk included. */
export interface NtpCodeIssuedEvent extends EventBase {
  readonly type: 'ntp.code.issued';
  readonly ntpId: string;
  readonly count: number;
}

/** A code was redeemed or revoked. Never carries the code itself. */
export interface NtpCodeEvent extends EventBase {
  readonly type: 'ntp.code.redeemed' | 'ntp.code.revoked';
  readonly ntpId: string;
  readonly userId: string;
}

/** A client crossed the redeem throttle's failure limit and is banned. */
export interface NtpClientThrottledEvent extends EventBase {
  readonly type: 'ntp.client.throttled';
  readonly clientKey: string;
  readonly retryAfterMs: number;
}

/**
 * A tenant's failed redemptions within one window (`redeemThrottle.windowMs`)
 * reached `guessingThreshold`: someone may be guessing its codes from many
 * clients. Counted in the emitting process only; at most once per tenant and
 * window.
 */
export interface NtpGuessingEvent extends EventBase {
  readonly type: 'ntp.guessing';
  /** Failed redemptions counted in the window so far. */
  readonly failures: number;
  /** The window's length. */
  readonly windowMs: number;
}

/** A method changed state. */
export interface MethodStateEvent extends EventBase {
  readonly type: 'method.blocked' | 'method.unblocked' | 'method.deactivated' | 'method.activated';
  readonly muid: string;
  readonly methodType: string;
  readonly by: ChangedBy;
}

/** A failed authentication was counted. */
export interface MethodFailureEvent extends EventBase {
  readonly type: 'method.failure';
  readonly muid: string;
  readonly methodType: string;
  readonly failedAttempts: number;
}

/** An instance changed state. */
export interface InstanceEvent extends EventBase {
  readonly type:
    | 'instance.initiated'
    | 'instance.activated'
    | 'instance.blocked'
    | 'instance.unblocked'
    | 'instance.deactivated';
  readonly muid: string;
  readonly methodType: string;
  readonly instanceId: string;
}

/** Every event `onEvent` receives: one per committed state change, after the commit. */
export type NtpassEvent =
  | NtpInstanceEvent
  | NtpCodeIssuedEvent
  | NtpCodeEvent
  | NtpClientThrottledEvent
  | NtpGuessingEvent
  | MethodStateEvent
  | MethodFailureEvent
  | InstanceEvent;

export type NtpassEventType = NtpassEvent['type'];

/** Receives events; a handler that throws is isolated from the operation. */
export type EventHandler = (event: NtpassEvent) => void;
