const SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/**
 * While a long operation runs, Ctrl-C (or SIGTERM) first runs `cleanup`
 * (synchronously: remove a temporary file, end the progress line), then
 * exits 130. What the engine was doing needs nothing more: an interrupted
 * bulk issue redeems none of its codes and its quota is released when its
 * lease lapses. Returns the function that removes the handlers.
 */
export function onInterrupt(cleanup: () => void): () => void {
  const handler = () => {
    cleanup();
    process.exit(130);
  };
  for (const signal of SIGNALS) process.once(signal, handler);
  return () => {
    for (const signal of SIGNALS) process.removeListener(signal, handler);
  };
}
