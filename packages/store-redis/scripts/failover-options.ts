/*
 * `pnpm --filter @ntpass/store-redis failover-options [rounds]`: measures
 * calls failed and outage length during real failovers (a master frozen for
 * 3 s, a master killed) on a 3+3 cluster started here, for ioredis Cluster
 * option sets and store timeouts, with waitForReplicas { count: 1 } and
 * without. Prints a Markdown table; the README's figures come from it.
 * `[rounds] [replicas per master] [variants: all | defaults]`.
 */
import type { ClusterOptions } from 'ioredis';
import { failoverRound, type Fault, type RoundResult } from '../test/support/failover-round.js';
import { startReplicatedCluster } from '../test/support/replicated-cluster.js';

const rounds = Number(process.argv[2] ?? 2);
const replicas = Number(process.argv[3] ?? 1);
const onlyDefaults = process.argv[4] === 'defaults';
const allVariants: { name: string; clusterOptions: ClusterOptions; commandTimeoutMs: number }[] = [
  { name: 'ioredis defaults, commandTimeoutMs 5000', clusterOptions: {}, commandTimeoutMs: 5000 },
  { name: 'slotsRefreshTimeout 300, slotsRefreshInterval 1000, commandTimeoutMs 1000', clusterOptions: { slotsRefreshTimeout: 300, slotsRefreshInterval: 1000 }, commandTimeoutMs: 1000 },
];
const variants = onlyDefaults ? allVariants.slice(0, 1) : allVariants;
const WAIT = { count: 1, timeoutMs: 200 };

const cluster = await startReplicatedCluster({ masters: 3, replicas, nodeTimeoutMs: 1000 });
const lines: string[] = [];
try {
  for (const fault of ['freeze', 'kill'] as Fault[]) {
    for (const wait of [true, false]) {
      for (const v of variants) {
        const results: RoundResult[] = [];
        for (let i = 0; i < rounds; i++) {
          await cluster.waitHealthy();
          const r = await failoverRound(cluster, { fault, clusterOptions: v.clusterOptions, commandTimeoutMs: v.commandTimeoutMs, ...(wait ? { waitForReplicas: WAIT } : {}) });
          results.push(r);
          console.error(fault, wait, v.name, JSON.stringify(r));
        }
        const range = (f: (r: RoundResult) => number) => {
          const xs = results.map(f);
          return Math.min(...xs) === Math.max(...xs) ? `${xs[0]}` : `${Math.min(...xs)}–${Math.max(...xs)}`;
        };
        lines.push(
          `| ${fault} | ${wait ? 'yes' : 'no'} | ${v.name} | ${rounds} | ${range((r) => r.unavailable)} | ${range((r) => r.outageMs)} | ${range((r) => r.overRedeemedCodes)} | ${range((r) => r.lostCodes)} | ${results.every((r) => r.recovered) ? 'yes' : 'NO'} |`,
        );
      }
    }
  }
} finally {
  await cluster.stop();
}
console.log(`3 masters × ${replicas} replica(s), cluster-node-timeout 1000, ${rounds} run(s) per line\n`);
console.log('| fault | waitForReplicas | options | runs | calls failed | outage ms | codes over cap | codes with acks lost | recovered |');
console.log('| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | --- |');
for (const l of lines) console.log(l);
