/*
 * Redeem on a Redis Cluster with one replica per master, with
 * `waitForReplicas: { count: 1 }` (every applied commit waits for a replica's
 * acknowledgement, `WAIT 1`) beside the same store without it, in one run.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Cluster } from 'ioredis';
import { redisStore } from '@ntpass/store-redis';
import { benchEngine, instanceWithCodes, redeemRow, type Sizes } from './ntpass-rows.js';
import type { Row } from './report.js';
import { freePort } from './servers.js';

const cli = (port: number, ...args: string[]) => execFileSync('redis-cli', ['-p', String(port), ...args], { encoding: 'utf8' });

/** Every node runs, the cluster is ok, and each master has its replica connected. */
function healthy(ports: readonly number[]): boolean {
  try {
    return ports.every((port) => {
      if (!cli(port, 'cluster', 'info').includes('cluster_state:ok')) return false;
      const info = cli(port, 'info', 'replication');
      return info.includes('role:master') ? /connected_slaves:1\b/.test(info) : info.includes('master_link_status:up');
    });
  } catch {
    return false;
  }
}

export async function replicaAckRows(sizes: Sizes, add: (row: Row) => void): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'ntpass-bench-replicas-'));
  const ports: number[] = [];
  while (ports.length < 6) {
    const p = await freePort();
    if (!ports.includes(p) && p + 10000 < 65536) ports.push(p);
  }
  const procs = ports.map((port) =>
    spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--logfile', '',
        '--cluster-enabled', 'yes', '--cluster-config-file', `nodes-${port}.conf`, '--cluster-node-timeout', '2000'],
      { stdio: 'ignore' },
    ),
  );
  let client: Cluster | undefined;
  try {
    for (let i = 0; i < 100 && !ports.every((p) => { try { return cli(p, 'ping').includes('PONG'); } catch { return false; } }); i++) await new Promise((r) => setTimeout(r, 50));
    execFileSync('redis-cli', ['--cluster', 'create', ...ports.map((p) => `127.0.0.1:${p}`), '--cluster-replicas', '1', '--cluster-yes'], { stdio: 'pipe' });
    for (let i = 0; i < 300 && !healthy(ports); i++) await new Promise((r) => setTimeout(r, 100));
    client = new Cluster(ports.map((port) => ({ host: '127.0.0.1', port })));
    await new Promise<void>((resolve, reject) => {
      client!.once('ready', () => resolve());
      client!.once('error', reject);
    });
    const measure = async (prefix: string, wait: boolean) => {
      const store = redisStore({ client: client!, prefix, ...(wait ? { waitForReplicas: { count: 1, timeoutMs: 1000 } } : {}) });
      const engine = benchEngine(store);
      const { ntpId, tokens } = await instanceWithCodes(engine, sizes.codes);
      const result = await redeemRow(engine, ntpId, tokens, 64, sizes.durationMs);
      await engine.close();
      await store.close();
      return result;
    };
    // Alternated, twice each, keeping the better of each pair: on a shared machine one window can be unlucky.
    const runs: { wait: boolean; result: Awaited<ReturnType<typeof measure>> }[] = [];
    for (const [i, wait] of [false, true, false, true].entries()) runs.push({ wait, result: await measure(`bench-${i}:`, wait) });
    const best = (wait: boolean) => runs.filter((r) => r.wait === wait).map((r) => r.result).reduce((a, b) => (b.opsPerSec > a.opsPerSec ? b : a));
    const withAck = best(true);
    const without = best(false);
    add({
      store: 'redis cluster 3+3',
      row: 'redeem, many codes, 64 in flight, waitForReplicas { count: 1 }',
      result: withAck,
      baseline: { name: 'same, without waitForReplicas', result: without },
    });
  } finally {
    client?.disconnect();
    for (const p of procs) p.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
}
