import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

interface RaceBase {
  readonly cluster: boolean;
  readonly nodes: readonly { host: string; port: number }[];
  readonly prefix: string;
  /** Attempts per process. */
  readonly attempts: number;
  /** Attempts in flight at once per process. */
  readonly lanes: number;
}

/** What each racing process is told: what to race on. */
export type RaceConfig =
  | (RaceBase & { readonly task: 'counter'; readonly partition: string; readonly max: number })
  | (RaceBase & { readonly task: 'redeem'; readonly secret: string; readonly tenantId: string; readonly ntpId: string; readonly code: string })
  | (RaceBase & { readonly task: 'issue'; readonly secret: string; readonly tenantId: string; readonly ntpId: string });

/** What each racing process reports. */
export interface RaceReport {
  readonly successes: unknown[];
  /** The error code of every refused attempt. */
  readonly refusals: string[];
}

const repoRoot = fileURLToPath(new URL('../../../..', import.meta.url));
const worker = fileURLToPath(new URL('./race-worker.ts', import.meta.url));

/** Racing OS processes, started once and reused for several races. */
export interface Racers {
  /** Runs one race on every process, started together once all are connected; their reports. */
  race(config: RaceConfig): Promise<RaceReport[]>;
  stop(): Promise<void>;
}

/**
 * Starts `processes` OS processes of race-worker.ts. They run from source
 * (tsx, the "source" condition): no build needed.
 */
export function startRacers(processes: number): Racers {
  const workers = Array.from({ length: processes }, () => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=source', worker], { cwd: repoRoot, stdio: ['pipe', 'pipe', 'pipe'] });
    let buffered = '';
    let stderr = '';
    const lines: string[] = [];
    const waiting: ((line: string) => void)[] = [];
    let failed: Error | undefined;
    const failAll = (e: Error) => {
      failed = e;
      for (const w of waiting.splice(0)) w(`!${e.message}`);
    };
    child.stdout.on('data', (d: Buffer) => {
      buffered += d.toString();
      for (let nl = buffered.indexOf('\n'); nl >= 0; nl = buffered.indexOf('\n')) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        const w = waiting.shift();
        if (w) w(line);
        else lines.push(line);
      }
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('exit', (code) => failAll(new Error(`race worker exited (${code}): ${stderr}`)));
    const nextLine = async (): Promise<string> => {
      const line = lines.shift() ?? (failed ? `!${failed.message}` : await new Promise<string>((resolve) => waiting.push(resolve)));
      if (line.startsWith('!')) throw new Error(line.slice(1));
      return line;
    };
    return { child, nextLine };
  });
  return {
    async race(config) {
      for (const w of workers) w.child.stdin.write(`${JSON.stringify(config)}\n`);
      for (const w of workers) if ((await w.nextLine()) !== 'ready') throw new Error('race worker not ready');
      for (const w of workers) w.child.stdin.write('go\n');
      return Promise.all(workers.map(async (w) => JSON.parse(await w.nextLine()) as RaceReport));
    },
    async stop() {
      await Promise.all(
        workers.map(async ({ child }) => {
          if (child.exitCode !== null) return;
          const exited = new Promise((resolve) => child.once('exit', resolve));
          child.stdin.end();
          const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
          await exited;
          clearTimeout(timer);
        }),
      );
    },
  };
}
