import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Cluster, Redis } from 'ioredis';

/** A server the bench started and must stop. */
export interface Started<T> {
  readonly client: T;
  stop(): Promise<void>;
}

/** A free loopback TCP port (and, for a cluster node, its bus port +10000 is checked too). */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = await new Promise<number>((resolve, reject) => {
      const s = createServer();
      s.once('error', reject);
      s.listen(0, '127.0.0.1', () => {
        const addr = s.address();
        s.close(() => resolve(typeof addr === 'object' && addr ? addr.port : 0));
      });
    });
    if (port > 0 && port < 55000) return port;
  }
}

function startRedisProcess(port: number, dir: string, extra: string[]): ChildProcess {
  return spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--logfile', '', ...extra],
    { stdio: 'ignore' },
  );
}

async function waitForPing(port: number): Promise<void> {
  for (let i = 0; i < 100; i++) {
    try {
      execFileSync('redis-cli', ['-p', String(port), 'ping'], { stdio: 'pipe' });
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  throw new Error(`redis-server on port ${port} did not start`);
}

/** A throwaway standalone redis-server on a free port. */
export async function startRedis(): Promise<Started<Redis>> {
  const dir = mkdtempSync(join(tmpdir(), 'ntpass-bench-redis-'));
  const port = await freePort();
  const proc = startRedisProcess(port, dir, []);
  await waitForPing(port);
  const client = new Redis({ port, host: '127.0.0.1', lazyConnect: false });
  return {
    client,
    async stop() {
      client.disconnect();
      proc.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A throwaway 3-master Redis Cluster on free loopback ports. */
export async function startRedisCluster(): Promise<Started<Cluster>> {
  const dir = mkdtempSync(join(tmpdir(), 'ntpass-bench-cluster-'));
  const ports: number[] = [];
  while (ports.length < 3) {
    const p = await freePort();
    if (!ports.includes(p)) ports.push(p);
  }
  const procs = ports.map((port) =>
    startRedisProcess(port, dir, ['--cluster-enabled', 'yes', '--cluster-config-file', `nodes-${port}.conf`, '--cluster-node-timeout', '2000']),
  );
  const stopAll = () => {
    for (const p of procs) p.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (const port of ports) await waitForPing(port);
    execFileSync('redis-cli', ['--cluster', 'create', ...ports.map((p) => `127.0.0.1:${p}`), '--cluster-replicas', '0', '--cluster-yes'], {
      stdio: 'pipe',
    });
    for (let i = 0; i < 100; i++) {
      const info = execFileSync('redis-cli', ['-p', String(ports[0]), 'cluster', 'info'], { encoding: 'utf8' });
      if (info.includes('cluster_state:ok')) break;
      await new Promise((r) => setTimeout(r, 100));
    }
  } catch (e) {
    stopAll();
    throw e;
  }
  const client = new Cluster(ports.map((port) => ({ host: '127.0.0.1', port })));
  await new Promise<void>((resolve, reject) => {
    client.once('ready', () => resolve());
    client.once('error', reject);
  });
  return {
    client,
    async stop() {
      client.disconnect();
      stopAll();
    },
  };
}
