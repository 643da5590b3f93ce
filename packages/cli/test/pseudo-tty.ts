import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** What a command did on a terminal. */
export interface TtyRun {
  /** Every byte the terminal received, carriage returns included. */
  readonly raw: string;
  /** The screen once it finished, as a person sees it (tmux only; `undefined` under `script`). */
  readonly screen: string | undefined;
  readonly exitCode: number;
}

const MARKER = '__NTPASS_TTY_EXIT__';

/** Single-quotes a word for sh. */
export function shQuote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

function has(tool: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' }).status === 0;
}

/**
 * Runs `argv` on a pseudo-terminal `columns` wide, in `cwd`, with exactly
 * `env`: in a private tmux server when tmux is installed (raw bytes via
 * pipe-pane, and the final screen), else under util-linux `script`.
 */
export async function runOnTty(
  argv: readonly string[],
  options: {
    readonly cwd: string;
    readonly env: Record<string, string>;
    readonly columns?: number;
    readonly timeoutMs?: number;
    /** Presses Ctrl-C once the output so far satisfies this (tmux only). */
    readonly interruptWhen?: (raw: string) => boolean;
  },
): Promise<TtyRun> {
  const columns = options.columns ?? 100;
  const command = `env -i ${Object.entries(options.env).map(([k, v]) => shQuote(`${k}=${v}`)).join(' ')} ${argv.map(shQuote).join(' ')}`;
  const script = `cd ${shQuote(options.cwd)} && ${command}; echo ${MARKER}$?`;
  // NTPASS_TEST_TTY=script exercises the fallback on a machine that has tmux.
  if (hasTmux()) return runInTmux(script, columns, options.timeoutMs ?? 60_000, options.interruptWhen);
  if (options.interruptWhen !== undefined) throw new Error('runOnTty: interruptWhen needs tmux');
  return runInScript(script, columns);
}

/** Whether runOnTty uses tmux (else `script`, which cannot press keys). NTPASS_TEST_TTY=script forces the fallback. */
export function hasTmux(): boolean {
  return has('tmux') && process.env['NTPASS_TEST_TTY'] !== 'script';
}

async function runInTmux(script: string, columns: number, timeoutMs: number, interruptWhen?: (raw: string) => boolean): Promise<TtyRun> {
  const name = `ntpass-test-${process.pid}-${randomBytes(4).toString('hex')}`;
  const rawFile = join(tmpdir(), `${name}.raw`);
  // A private server on its own socket file, removed afterwards (kill-server may leave it).
  const socket = join(tmpdir(), `${name}.sock`);
  const tmux = (...args: string[]) => execFileSync('tmux', ['-S', socket, '-f', '/dev/null', ...args], { encoding: 'utf8' });
  // The pane waits for one Enter, so pipe-pane is recording before the command prints anything.
  // The shell traps Ctrl-C (a trap, unlike an ignore, is not inherited) so it lives on to report the exit status.
  tmux('new-session', '-d', '-s', 'ntpass', '-x', String(columns), '-y', '40', `sh -c ${shQuote(`trap true INT; read go; ${script}; sleep 600`)}`);
  try {
    tmux('pipe-pane', '-t', 'ntpass', '-o', `cat >> ${shQuote(rawFile)}`);
    tmux('send-keys', '-t', 'ntpass', 'Enter');
    const deadline = Date.now() + timeoutMs;
    let interrupted = false;
    for (;;) {
      const raw = await readFile(rawFile, 'utf8').catch(() => '');
      if (!interrupted && interruptWhen?.(raw) === true) {
        tmux('send-keys', '-t', 'ntpass', 'C-c');
        interrupted = true;
      }
      const match = new RegExp(`${MARKER}(\\d+)`).exec(raw);
      if (match) {
        const screen = tmux('capture-pane', '-p', '-t', 'ntpass');
        return { raw, screen, exitCode: Number(match[1]) };
      }
      if (Date.now() > deadline) throw new Error(`no result on the terminal within ${timeoutMs} ms; so far:\n${raw}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    tmux('kill-server');
    await rm(rawFile, { force: true });
    await rm(socket, { force: true });
  }
}

function runInScript(script: string, columns: number): TtyRun {
  const raw = execFileSync('script', ['-qfec', `stty cols ${columns} rows 40; ${script}`, '/dev/null'], { encoding: 'utf8' });
  const match = new RegExp(`${MARKER}(\\d+)`).exec(raw);
  return { raw, screen: undefined, exitCode: match ? Number(match[1]) : -1 };
}
