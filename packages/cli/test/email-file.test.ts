import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readEmailFile } from '../src/email-file.js';
import { useTempDir } from './temp-dir.js';

const dir = useTempDir('emails');

async function file(text: string): Promise<string> {
  const path = join(dir(), 'emails.txt');
  await writeFile(path, text);
  return path;
}

describe('readEmailFile', () => {
  it('reads one address per line, skipping a header, blank lines and comments', async () => {
    const path = await file('email\r\nada@example.com\n\n# VIPs\n  bob@example.org  \n');
    expect(await readEmailFile(path)).toEqual(['ada@example.com', 'bob@example.org']);
  });

  it('refuses a line that is not one address by its number, without echoing it', async () => {
    const path = await file('ada@example.com\nBob Smith,bob@example.org\n');
    const error = await readEmailFile(path).catch((e: unknown) => e);
    expect(error).toMatchObject({ exitCode: 2, message: `--email-file ${path} line 2: expected one email address per line` });
    expect((error as Error).message).not.toContain('bob@');
  });

  it('refuses a file without addresses and a missing file', async () => {
    await expect(readEmailFile(await file('# nobody\n'))).rejects.toMatchObject({ exitCode: 2, message: expect.stringContaining('no email addresses') });
    await expect(readEmailFile(join(dir(), 'missing.txt'))).rejects.toMatchObject({ exitCode: 2, message: expect.stringContaining('(ENOENT)') });
  });
});
