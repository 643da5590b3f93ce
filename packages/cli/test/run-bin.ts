import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The `ntpass` binary from source: `node --import tsx --conditions=source src/bin.ts`, so tests need no build. */
export const BIN_PATH = fileURLToPath(new URL('../src/bin.ts', import.meta.url));
const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

/** `argv` of a process that runs the binary with `args`. */
export function binCommand(args: readonly string[]): string[] {
  return [process.execPath, '--import', TSX_LOADER, '--conditions=source', BIN_PATH, ...args];
}

/** What one run of the binary did. */
export interface BinResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** A secret for tests (32+ bytes). */
export const TEST_SECRET = 'cli-test-secret-0123456789abcdefghijkl';

/**
 * Runs `ntpass args…` in `cwd` with a clean environment: only PATH, TZ=UTC
 * (stable local times) and what the test gives, so a developer's own
 * NTPASS_* variables never leak in.
 */
export async function runBin(
  args: readonly string[],
  options: { readonly cwd: string; readonly env?: Record<string, string>; readonly input?: string },
): Promise<BinResult> {
  const [command, ...rest] = binCommand(args);
  const child = spawn(command ?? process.execPath, rest, {
    cwd: options.cwd,
    env: { PATH: process.env['PATH'] ?? '', TZ: 'UTC', NTPASS_SECRET: TEST_SECRET, ...options.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  child.stdin.end(options.input ?? '');
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (exit) => resolve(exit));
  });
  return { code, stdout, stderr };
}
