import type { CliIo } from '../src/io.js';

/** A CliIo whose stdout and stderr are strings, for running the CLI in-process. */
export function captureIo(overrides: Partial<CliIo> = {}): CliIo & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    stdout: { write: (text: string) => (out += text) },
    stderr: { write: (text: string) => (err += text) },
    env: {},
    cwd: '/nonexistent-ntpass-cwd',
    ...overrides,
    out: () => out,
    err: () => err,
  };
}
