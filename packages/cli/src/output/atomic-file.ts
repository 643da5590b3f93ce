import { randomBytes } from 'node:crypto';
import { link, open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

// Beside the target, so the final rename stays on one file system.
function tempBeside(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
}

/**
 * Fails now, with the file system's error, if no new file can be created
 * beside `path`: checked before work whose result would have nowhere to go.
 */
export async function probeWritable(path: string): Promise<void> {
  const probe = tempBeside(path);
  await (await open(probe, 'wx', 0o600)).close();
  await unlink(probe);
}

/**
 * Writes `chunks` under a temporary name beside `path` with owner-only
 * permissions, flushes to disk, then gives the file its name atomically:
 * readers see the whole file or none, and a crash or Ctrl-C before this call
 * leaves nothing behind. Without `replace`, an existing file is never
 * overwritten (`EEXIST`). On failure the temporary file is removed.
 */
export async function writeFileAtomically(path: string, chunks: Iterable<string>, options: { readonly replace: boolean }): Promise<void> {
  const temp = tempBeside(path);
  const handle = await open(temp, 'wx', 0o600);
  try {
    try {
      for (const chunk of chunks) await handle.write(chunk);
      await handle.sync();
    } finally {
      await handle.close();
    }
    if (options.replace) {
      await rename(temp, path);
    } else {
      // link() refuses an existing target, so a file created meanwhile is never clobbered.
      await link(temp, path);
      await unlink(temp);
    }
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
}
