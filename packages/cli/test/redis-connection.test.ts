import { describe, expect, it } from 'vitest';
import { CliError } from '../src/cli-error.js';
import { closeRedis, connectRedis } from '../src/redis-connection.js';
import { useRedisServer } from './redis-server.js';

const redisUrl = useRedisServer();

describe('connectRedis', () => {
  it('connects to a running server and closes', async () => {
    const client = await connectRedis(redisUrl(), 2000);
    expect(await client.ping()).toBe('PONG');
    await closeRedis(client);
    expect(client.status).toBe('end');
  });

  it('fails at once with exit 3, naming the server and the cause but never the password', async () => {
    const error = await connectRedis('redis://:hunter2@127.0.0.1:1', 2000).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CliError);
    expect(error).toMatchObject({ exitCode: 3, code: 'STORE_UNAVAILABLE' });
    expect((error as Error).message).toBe('cannot connect to Redis at redis://:***@127.0.0.1:1 (ECONNREFUSED)');
  });
});
