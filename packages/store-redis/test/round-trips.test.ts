import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisStore } from '@ntpass/store-redis';
import { deleteKeys, testRedis, uniquePrefix, type TestRedis } from './support/test-redis.js';

// Every store call is one command on the wire: EVALSHA of its script (plus
// one EVAL only when the server has forgotten the script).

const T0 = Date.UTC(2030, 0, 1);

describe('round trips', () => {
  const prefix = uniquePrefix();
  let server: TestRedis;
  let client: Redis;
  const sent: string[] = [];
  beforeAll(async () => {
    server = await testRedis();
    client = new Redis({ port: server.port, host: '127.0.0.1' });
    await client.ping();
    // Record the name of every command this client sends.
    const send = client.sendCommand.bind(client);
    client.sendCommand = (command, stream) => {
      sent.push(command.name);
      return send(command, stream);
    };
  });
  afterAll(async () => {
    await deleteKeys(client, prefix);
    client.disconnect();
    await server.stop();
  });

  it('sends one EVALSHA per read, commit, list, scan page and drop step', async () => {
    const store = redisStore({ client, prefix });
    const p = 'rt';
    await store.commit({ partition: p, now: T0, ops: [{ type: 'put', key: 'k', value: {} }] }); // loads the script if needed
    const steps = [
      () => store.commit({ partition: p, now: T0, commitId: 'x', checks: [{ type: 'version', key: 'k', version: 0 }], ops: [{ type: 'add', key: 'c', by: 1 }] }),
      () =>
        store.commit({
          partition: p,
          now: T0,
          ops: [{ type: 'add', key: 'c', by: 1, max: { key: 'k', field: 'cap' } }, { type: 'indexPut', index: 'ix', member: 'm', sortKey: '' }, { type: 'patch', key: 'k', set: { a: 1 } }],
        }),
      () => store.read({ partition: p, records: ['k', 'j'], counters: ['c'], now: T0 }),
      () => store.list({ partition: p, index: 'ix', offset: 0, count: 10 }),
      () => store.scan({ partition: p, limit: 10, now: T0 }),
      () => store.dropPartition({ partition: p, limit: 10 }),
    ];
    for (const step of steps) {
      await step(); // first run loads each script
      sent.length = 0;
      await step();
      expect(sent).toEqual(['evalsha']);
    }
  });
});
