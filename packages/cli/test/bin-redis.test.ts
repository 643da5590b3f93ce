import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCampaign } from './campaign.js';
import { useRedisServer } from './redis-server.js';
import { useTempDir } from './temp-dir.js';

const cwd = useTempDir('bin-redis', 'all');
const redisUrl = useRedisServer();

describe('the ntpass binary on Redis (--redis URL)', () => {
  it('runs the same campaign, and leaves no SQLite file behind', { timeout: 180_000 }, async () => {
    await runCampaign(cwd(), ['--redis', redisUrl(), '--redis-prefix', 'cli-test:'], 10_000);
    expect((await readdir(cwd())).sort()).toEqual(['codes.csv']);
  });
});
