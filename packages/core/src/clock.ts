/** Returns the current time as epoch milliseconds. Injected so tests can move time. */
export type Clock = () => number;

/** The default clock. */
export const systemClock: Clock = () => Date.now();
