import type { Store } from '@ntpass/core';
import type { TerminalStream } from './output/progress.js';

/** A store opened for one command, and how to release it. */
export interface OpenedStore {
  readonly store: Store;
  /** Closes the store and whatever connection or file the CLI opened for it. */
  close(): Promise<void>;
}

/** Which store the flags name. */
export type StoreTarget =
  | { readonly kind: 'sqlite'; readonly filename: string; readonly create: boolean }
  | { readonly kind: 'redis'; readonly url: string; readonly prefix?: string; readonly connectTimeoutMs: number }
  | { readonly kind: 'postgres'; readonly url: string; readonly schema?: string; readonly connectTimeoutMs: number };

/** Everything the CLI touches outside itself, so it runs the same in-process (tests) and as `ntpass`. */
export interface CliIo {
  /** Results. */
  readonly stdout: TerminalStream;
  /** Errors, hints and the progress bar. */
  readonly stderr: TerminalStream;
  /** Read by `--code -`. */
  readonly stdin?: AsyncIterable<string | Uint8Array>;
  /** Environment variables (NTPASS_SECRET, NTPASS_TENANT_ID, …). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The working directory: relative paths and the default `./ntpass.db` resolve against it. */
  readonly cwd: string;
  /** Current time in epoch ms (the progress bar's clock). @default Date.now */
  readonly now?: () => number;
  /** Opens the store the flags name. @default SQLite or Redis, see store-from-flags.ts */
  readonly openStore?: (target: StoreTarget) => Promise<OpenedStore>;
}
