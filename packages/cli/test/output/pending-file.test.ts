import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createPendingFile } from '../../src/output/pending-file.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ntpass-pending-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('createPendingFile', () => {
  it('shows nothing under the real name until published, then the whole file, owner-only', async () => {
    const out = join(dir, 'codes.csv');
    const file = await createPendingFile(out, { replace: false });
    await file.write('code,userId\r\n');
    await file.write('abc,iusr1\r\n');
    expect(await readdir(dir)).not.toContain('codes.csv');
    await file.publish();
    expect(await readdir(dir)).toEqual(['codes.csv']);
    expect(await readFile(out, 'utf8')).toBe('code,userId\r\nabc,iusr1\r\n');
    expect((await stat(out)).mode & 0o777).toBe(0o600);
  });

  it('leaves no trace when discarded', async () => {
    const file = await createPendingFile(join(dir, 'codes.csv'), { replace: false });
    await file.write('secret codes');
    await file.discard();
    expect(await readdir(dir)).toEqual([]);
  });

  it('never clobbers a file that appeared meanwhile unless asked to replace', async () => {
    const out = join(dir, 'codes.csv');
    const file = await createPendingFile(out, { replace: false });
    await writeFile(out, 'earlier campaign');
    await file.write('new');
    await expect(file.publish()).rejects.toMatchObject({ code: 'EEXIST' });
    await file.discard();
    expect(await readFile(out, 'utf8')).toBe('earlier campaign');
    expect(await readdir(dir)).toEqual(['codes.csv']);

    const replacing = await createPendingFile(out, { replace: true });
    await replacing.write('new');
    await replacing.publish();
    expect(await readFile(out, 'utf8')).toBe('new');
  });
});
