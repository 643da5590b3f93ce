import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCampaign } from './campaign.js';
import { useTempDir } from './temp-dir.js';

const cwd = useTempDir('bin-sqlite', 'all');

describe('the ntpass binary on SQLite (the default store, ./ntpass.db)', () => {
  it('runs a campaign: create, issue 10 000 codes to CSV, redeem one, report, refuse one too many, suspend', { timeout: 180_000 }, async () => {
    await runCampaign(cwd(), [], 10_000);
    expect(existsSync(join(cwd(), 'ntpass.db'))).toBe(true);
  });
});
