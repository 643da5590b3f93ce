import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { freePort, startRedisServer, waitFor, type RedisServer } from './redis-server.js';

const run = promisify(execFile);

/** One node of a {@link ReplicatedCluster}. */
export interface ClusterNode {
  readonly port: number;
  readonly server: RedisServer;
}

/** A Redis Cluster with replicas that a test started on loopback ports. */
export interface ReplicatedCluster {
  readonly nodes: readonly ClusterNode[];
  /** `host:port` of every node, for a Cluster client's startup list. */
  readonly startup: readonly { host: string; port: number }[];
  /** The node that is master of `slot` now, as the other nodes see it. */
  masterOf(slot: number): Promise<ClusterNode>;
  /** Waits until every live node reports `cluster_state:ok` and agrees that `port` is no master of `slot`'s owner any more (after a failover). */
  waitForNewMaster(slot: number, oldPort: number, timeoutMs?: number): Promise<ClusterNode>;
  /** Waits until every node runs and reports `cluster_state:ok` with `masters` masters each having `replicas` connected replicas. */
  waitHealthy(timeoutMs?: number): Promise<void>;
  /** Kills every node (SIGCONT first, in case one is frozen) and removes their directories. */
  stop(): Promise<void>;
}

export interface ReplicatedClusterOptions {
  /** @default 3 */
  readonly masters?: number;
  /** @default 1 */
  readonly replicas?: number;
  /** `cluster-node-timeout`. @default 1000 */
  readonly nodeTimeoutMs?: number;
  /** Extra redis-server arguments for every node (e.g. AOF). */
  readonly args?: readonly string[];
}

async function query<T>(port: number, work: (r: Redis) => Promise<T>): Promise<T> {
  const r = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 500, commandTimeout: 500 });
  r.on('error', () => undefined);
  try {
    await r.connect();
    return await work(r);
  } finally {
    r.disconnect();
  }
}

/** `CLUSTER SLOTS` as seen by `port`: the master port of `slot`. */
async function ownerSeenBy(port: number, slot: number): Promise<number | undefined> {
  const ranges = (await query(port, (r) => r.cluster('SLOTS'))) as unknown as [number, number, [string, number]][];
  const range = ranges.find(([from, to]) => from <= slot && slot <= to);
  return range?.[2][1];
}

/**
 * Starts `masters × (1 + replicas)` cluster-enabled redis-servers and joins
 * them with `redis-cli --cluster create --cluster-replicas`. Every server
 * runs under the watchdog of `redis-server.ts`; a failure to start stops all.
 */
export async function startReplicatedCluster(options: ReplicatedClusterOptions = {}): Promise<ReplicatedCluster> {
  const masters = options.masters ?? 3;
  const replicas = options.replicas ?? 1;
  const nodeTimeout = options.nodeTimeoutMs ?? 1000;
  const nodes: ClusterNode[] = [];
  const stop = async () => {
    for (const n of nodes) {
      try {
        n.server.signal('SIGCONT');
      } catch {
        // not running
      }
    }
    await Promise.all(nodes.map((n) => n.server.stop()));
  };
  const healthy = async (timeoutMs = 30_000) => {
    for (const n of nodes) {
      await waitFor(
        `cluster_state:ok and ${masters}×${replicas} replicas on ${n.port}`,
        async () => {
          try {
            return await query(n.port, async (r) => {
              if (!String(await r.cluster('INFO')).includes('cluster_state:ok')) return false;
              const lines = String(await r.cluster('NODES')).trim().split('\n');
              const live = lines.filter((l) => !/fail|handshake|noaddr/.test(l.split(' ')[2]!));
              if (live.filter((l) => l.includes('master')).length !== masters || live.filter((l) => l.includes('slave')).length !== masters * replicas) return false;
              // Replication links up: a master sees its replicas connected, a replica its link up.
              const role = (await r.call('ROLE')) as unknown[];
              if (role[0] === 'master') return Array.isArray(role[2]) && role[2].length === replicas;
              return role[3] === 'connected';
            });
          } catch {
            return false;
          }
        },
        timeoutMs,
      );
    }
  };
  try {
    for (let i = 0; i < masters * (1 + replicas); i++) {
      const port = await freePort(true);
      const server = await startRedisServer({
        port,
        args: [
          '--cluster-enabled', 'yes',
          '--cluster-config-file', 'nodes.conf',
          '--cluster-node-timeout', String(nodeTimeout),
          // A replica takes over however long it was cut off (the tests freeze masters).
          '--cluster-replica-validity-factor', '0',
          ...(options.args ?? []),
        ],
      });
      nodes.push({ port, server });
    }
    const addresses = nodes.map((n) => `127.0.0.1:${n.port}`);
    await run('redis-cli', ['--cluster', 'create', ...addresses, '--cluster-replicas', String(replicas), '--cluster-yes'], { timeout: 60_000 });
    await healthy(60_000);
  } catch (e) {
    await stop();
    throw e;
  }
  const byPort = (port: number) => nodes.find((n) => n.port === port) ?? failNoNode(port);
  return {
    nodes,
    startup: nodes.map((n) => ({ host: '127.0.0.1', port: n.port })),
    async masterOf(slot) {
      for (const n of nodes) {
        try {
          const owner = await ownerSeenBy(n.port, slot);
          if (owner !== undefined) return byPort(owner);
        } catch {
          // frozen or dead: ask another
        }
      }
      throw new Error(`no node knows the master of slot ${slot}`);
    },
    async waitForNewMaster(slot, oldPort, timeoutMs = 30_000) {
      let found: ClusterNode | undefined;
      await waitFor(
        `a new master for slot ${slot}`,
        async () => {
          for (const n of nodes) {
            if (n.port === oldPort) continue;
            try {
              const owner = await ownerSeenBy(n.port, slot);
              if (owner !== undefined && owner !== oldPort) {
                found = byPort(owner);
                return true;
              }
            } catch {
              // ask another
            }
          }
          return false;
        },
        timeoutMs,
      );
      return found!;
    },
    waitHealthy: healthy,
    stop,
  };
}

const failNoNode = (port: number): never => {
  throw new Error(`no node on port ${port}`);
};
