import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** What each racing process is told. */
export interface RaceConfig {
  readonly task: 'counter';
  readonly cluster: boolean;
  readonly nodes: readonly { host: string; port: number }[];
  readonly prefix: string;
  readonly partition: string;
  /** Attempts per process. */
  readonly attempts: number;
  /** Attempts in flight at once per process. */
  readonly lanes: number;
  /** The bound the race is about. */
  readonly max: number;
}

/** What each racing process reports. */
export interface RaceReport {
  readonly successes: unknown[];
  readonly failures: number;
}

const repoRoot = fileURLToPath(new URL('../../../..', import.meta.url));
const worker = fileURLToPath(new URL('./race-worker.ts', import.meta.url));

/**
 * Runs `processes` OS processes of race-worker.ts on one config, starts them
 * together once all are connected, and returns their reports. Workers run
 * from source (tsx, the "source" condition): no build needed.
 */
export async function race(processes: number, config: RaceConfig): Promise<RaceReport[]> {
  const children = Array.from({ length: processes }, () =>
    spawn(process.execPath, ['--import', 'tsx', '--conditions=source', worker, JSON.stringify(config)], {
      cwd: repoRoot,
      stdio: ['pipe', 'pipe', 'pipe'],
    }),
  );
  try {
    const outputs = children.map((child) => {
      let out = '';
      let err = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      const ready = new Promise<void>((resolve, reject) => {
        const onData = () => {
          if (out.includes('ready\n')) {
            child.stdout.off('data', onData);
            resolve();
          }
        };
        child.stdout.on('data', onData);
        child.once('exit', (code) => reject(new Error(`race worker exited (${code}) before it was ready: ${err}`)));
      });
      const report = new Promise<RaceReport>((resolve, reject) => {
        child.once('exit', (code) => {
          const last = out.trim().split('\n').pop() ?? '';
          if (code === 0 && last.startsWith('{')) resolve(JSON.parse(last) as RaceReport);
          else reject(new Error(`race worker exited with ${code}: ${err}`));
        });
      });
      report.catch(() => undefined);
      return { ready, report };
    });
    await Promise.all(outputs.map((o) => o.ready));
    for (const child of children) child.stdin.end('go\n');
    return await Promise.all(outputs.map((o) => o.report));
  } finally {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  }
}
