import { chmod, mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { probeWritable, writeFileAtomically } from '../../src/output/atomic-file.js';
import { useTempDir } from '../temp-dir.js';

const dir = useTempDir('atomic');

describe('writeFileAtomically', () => {
  it('writes every chunk, owner-only, and leaves no temporary file', async () => {
    const out = join(dir(), 'codes.csv');
    await writeFileAtomically(out, ['code,userId\r\n', 'abc,iusr1\r\n'], { replace: false });
    expect(await readdir(dir())).toEqual(['codes.csv']);
    expect(await readFile(out, 'utf8')).toBe('code,userId\r\nabc,iusr1\r\n');
    expect((await stat(out)).mode & 0o777).toBe(0o600);
  });

  it('shows nothing under the real name until every chunk is written', async () => {
    const out = join(dir(), 'codes.csv');
    function* chunks(): Generator<string> {
      yield 'first';
      throw new Error('the second chunk failed');
    }
    await expect(writeFileAtomically(out, chunks(), { replace: false })).rejects.toThrow('the second chunk failed');
    expect(await readdir(dir())).toEqual([]);
  });

  it('never clobbers an existing file unless asked to replace it', async () => {
    const out = join(dir(), 'codes.csv');
    await writeFile(out, 'earlier campaign');
    await expect(writeFileAtomically(out, ['new'], { replace: false })).rejects.toMatchObject({ code: 'EEXIST' });
    expect(await readFile(out, 'utf8')).toBe('earlier campaign');
    expect(await readdir(dir())).toEqual(['codes.csv']);
    await writeFileAtomically(out, ['new'], { replace: true });
    expect(await readFile(out, 'utf8')).toBe('new');
  });
});

describe('probeWritable', () => {
  it('passes for a writable directory and leaves nothing behind', async () => {
    await probeWritable(join(dir(), 'codes.csv'));
    expect(await readdir(dir())).toEqual([]);
  });

  it('fails with the file system error for a missing or read-only directory', async () => {
    await expect(probeWritable(join(dir(), 'missing', 'codes.csv'))).rejects.toMatchObject({ code: 'ENOENT' });
    const locked = join(dir(), 'locked');
    await mkdir(locked);
    await chmod(locked, 0o500);
    // root ignores directory permissions; the check only means something for other users.
    if (process.getuid?.() !== 0) await expect(probeWritable(join(locked, 'codes.csv'))).rejects.toMatchObject({ code: 'EACCES' });
  });
});
