import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readSecret } from '../src/secret.js';
import { captureIo } from './capture.js';
import { useTempDir } from './temp-dir.js';

const dir = useTempDir('secret');
const SECRET = 's'.repeat(32);

describe('readSecret', () => {
  it('reads NTPASS_SECRET', async () => {
    expect(await readSecret(undefined, captureIo({ env: { NTPASS_SECRET: SECRET } }))).toBe(SECRET);
  });

  it('prefers --secret-file, dropping one trailing newline only', async () => {
    const file = join(dir(), 'secret');
    await writeFile(file, ` ${SECRET}\n`);
    expect(await readSecret(file, captureIo({ env: { NTPASS_SECRET: 'other'.repeat(10) } }))).toBe(` ${SECRET}`);
  });

  it('refuses a missing secret, a short one and an unreadable file, as usage errors', async () => {
    await expect(readSecret(undefined, captureIo())).rejects.toMatchObject({ exitCode: 2, message: expect.stringMatching(/^no HMAC secret: set NTPASS_SECRET/) });
    const short = join(dir(), 'short');
    await writeFile(short, 'abc\n');
    await expect(readSecret(short, captureIo())).rejects.toMatchObject({ exitCode: 2, message: `the secret from --secret-file ${short} is 3 bytes; it must be at least 32` });
    await expect(readSecret(join(dir(), 'missing'), captureIo())).rejects.toMatchObject({ exitCode: 2, message: expect.stringContaining('(ENOENT)') });
  });
});
