/*
 * One OS process of a multi-process race, run by test/multi-process.test.ts
 * as `node --import tsx --conditions=source race-worker.ts '<json>'`. It
 * connects, prints "ready", waits for "go" on stdin so every process starts
 * together, runs its attempts in parallel lanes, and prints one JSON line
 * with what succeeded.
 */
import { once } from 'node:events';
import { Cluster, Redis } from 'ioredis';
import { redisStore } from '@ntpass/store-redis';
import type { RaceConfig, RaceReport } from './race.js';
import { raceTask } from './race-tasks.js';

const config = JSON.parse(process.argv[2] ?? '{}') as RaceConfig;
const client = config.cluster ? new Cluster([...config.nodes]) : new Redis({ host: config.nodes[0]!.host, port: config.nodes[0]!.port });
const store = redisStore({ client, prefix: config.prefix });
const attempt = await raceTask(config, store);

// Connect and load the scripts before the start line.
await store.read({ partition: 'warm-up', records: ['k'], now: 0 });
process.stdout.write('ready\n');
await once(process.stdin, 'data');

const successes: unknown[] = [];
let failures = 0;
let next = 0;
const lane = async () => {
  while (next < config.attempts) {
    const i = next++;
    const outcome = await attempt(i);
    if (outcome.ok) successes.push(outcome.value);
    else failures += 1;
  }
};
await Promise.all(Array.from({ length: config.lanes }, lane));
const report: RaceReport = { successes, failures };
process.stdout.write(`${JSON.stringify(report)}\n`);
client.disconnect();
