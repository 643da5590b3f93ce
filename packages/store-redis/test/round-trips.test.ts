import { beforeAll, describe, expect, it } from 'vitest';
import { createEngine } from '@ntpass/core';
import { TEST_SECRET } from '@ntpass/core/testing';
import { redisStore } from '@ntpass/store-redis';
import { waitFor } from './support/redis-server.js';
import { useTestRedis } from './support/test-redis.js';

// Every store call is one command on the wire: EVALSHA of its script (plus
// one EVAL only when the server has forgotten the script); so the engine's
// round trips on Redis are its store calls.

const T0 = Date.UTC(2030, 0, 1);

describe('round trips', () => {
  const redis = useTestRedis();
  const sent: string[] = [];
  beforeAll(async () => {
    const { client } = redis;
    await client.ping();
    // The store sends on its own duplicate of the client: record the name
    // of every command such a duplicate sends.
    const duplicate = client.duplicate.bind(client);
    client.duplicate = (override) => {
      const copy = duplicate(override);
      const send = copy.sendCommand.bind(copy);
      copy.sendCommand = (command, stream) => {
        sent.push(command.name);
        return send(command, stream);
      };
      return copy;
    };
  });

  it('sends one EVALSHA per read, commit, list, scan page and drop step', async () => {
    const store = redisStore({ client: redis.client, prefix: redis.prefix });
    const p = 'rt';
    await store.commit({ partition: p, now: T0, ops: [{ type: 'put', key: 'k', value: {} }] }); // loads the script if needed
    const steps = [
      () => store.commit({ partition: p, now: T0, checks: [{ type: 'version', key: 'k', version: 0 }], ops: [{ type: 'add', key: 'c', by: 1 }] }),
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

  it('engine: a warm redemption is one round trip, issuing a code four (the guessing floor\'s reservation, then directory, ticket, directory)', async () => {
    const engine = createEngine({ store: redisStore({ client: redis.client, prefix: redis.prefix }), secret: TEST_SECRET });
    try {
      const tenantId = 'rt';
      const ntpId = await engine.createNtpInstance({ tenantId, objectId: 'o', maxTickets: 10 });
      const { token } = await engine.issueNtpCode({ tenantId, ntpId });
      await engine.redeemCode({ tenantId, ntpId, code: token }); // warms the instance cache; counts the ticket as redeemed
      await waitFor('the redeemed-ticket count', async () => (await engine.ntpInstanceReport({ tenantId, ntpId })).redeemedTickets === 1);
      sent.length = 0;
      await engine.redeemCode({ tenantId, ntpId, code: token });
      expect(sent).toEqual(['evalsha']);
      sent.length = 0;
      await engine.issueNtpCode({ tenantId, ntpId });
      expect(sent).toEqual(['evalsha', 'evalsha', 'evalsha', 'evalsha']);
    } finally {
      await engine.close();
    }
  });
});
