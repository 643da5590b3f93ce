import { Readable } from 'node:stream';
import { memoryStore } from '@ntpass/store-memory';
import { runCli } from '../src/run-cli.js';
import { captureIo } from './capture.js';
import { TEST_SECRET } from './run-bin.js';

/** What one in-process run printed. */
export interface CliRun {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

/**
 * Runs `ntpass` in-process against one shared memory store (the real one):
 * the same code as the binary, without a Node start per command.
 */
export function memoryCli(options: { readonly cwd?: string; readonly now?: () => number } = {}) {
  const store = memoryStore();
  const run = async (args: readonly string[], stdin?: string): Promise<CliRun> => {
    const io = captureIo({
      env: { NTPASS_SECRET: TEST_SECRET },
      cwd: options.cwd ?? '/nonexistent-ntpass-cwd',
      openStore: async () => ({ store, close: async () => undefined }),
      ...(stdin === undefined ? {} : { stdin: Readable.from([stdin]) }),
      ...(options.now === undefined ? {} : { now: options.now }),
    });
    const code = await runCli(args, io);
    return { code, out: io.out(), err: io.err() };
  };
  // The store, for setting up state the CLI has no command for (an enrolled instance).
  return Object.assign(run, { store });
}
