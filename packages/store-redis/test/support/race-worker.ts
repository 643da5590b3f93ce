/*
 * One OS process of the multi-process races (test/multi-process.test.ts), run
 * as `node --import tsx --conditions=source race-worker.ts`. For each race it
 * reads a config line on stdin, connects and prints "ready", waits for a "go"
 * line so every process starts together, runs its attempts in parallel lanes
 * and prints one JSON line with what succeeded and what was refused. It ends
 * when stdin closes.
 */
import { createInterface } from 'node:readline';
import { Cluster, Redis } from 'ioredis';
import { redisStore } from '@ntpass/store-redis';
import type { RaceConfig, RaceReport } from './race.js';
import { raceTask } from './race-tasks.js';

const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();

for (let line = await lines.next(); !line.done; line = await lines.next()) {
  const config = JSON.parse(line.value) as RaceConfig;
  const client = config.cluster ? new Cluster([...config.nodes]) : new Redis({ host: config.nodes[0]!.host, port: config.nodes[0]!.port });
  const store = redisStore({ client, prefix: config.prefix });
  const { attempt, close } = raceTask(config, store);
  // Connect and load the scripts before the start line.
  await store.read({ partition: 'warm-up', records: ['k'], now: 0 });
  process.stdout.write('ready\n');
  await lines.next();

  const report: RaceReport = { successes: [], refusals: [] };
  let started = 0;
  const lane = async () => {
    while (started < config.attempts) {
      started += 1;
      const outcome = await attempt();
      if (outcome.ok) report.successes.push(outcome.value);
      else report.refusals.push(outcome.code);
    }
  };
  await Promise.all(Array.from({ length: config.lanes }, lane));
  await close();
  client.disconnect();
  process.stdout.write(`${JSON.stringify(report)}\n`);
}
