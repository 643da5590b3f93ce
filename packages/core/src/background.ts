/**
 * Background work the engine owns (purging deleted instances). `close()`
 * aborts every task and waits for it, so no store call runs after close.
 */
export interface Background {
  /** Starts a task; it should stop soon after `signal` aborts. Errors are swallowed: the task is retried by a later engine. */
  run(task: (signal: AbortSignal) => Promise<void>): void;
  /** True once `close()` has begun. */
  readonly closed: boolean;
  close(): Promise<void>;
}

export function createBackground(): Background {
  const controller = new AbortController();
  const running = new Set<Promise<void>>();
  return {
    run(task) {
      if (controller.signal.aborted) return;
      const p: Promise<void> = task(controller.signal)
        .catch(() => undefined)
        .finally(() => running.delete(p));
      running.add(p);
    },
    get closed() {
      return controller.signal.aborted;
    },
    async close() {
      controller.abort();
      await Promise.all([...running]);
    },
  };
}
